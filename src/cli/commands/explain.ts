import type { Command } from '../command.js';
import { UsageError } from '../io.js';
import { findRule, rules } from '../../../rules/index.js';
import { renderRuleDoc } from '../../report/rule-docs.js';
import { didYouMean } from '../../suggest.js';

export const explainCommand: Command = {
  name: 'explain',
  summary: "Print a rule's documentation: the problem, the safe alternative, examples.",
  usage: 'rollsafe explain <rule>   (rollsafe explain --list for every rule)',
  options: {
    list: { type: 'boolean', description: 'list every rule with its summary' },
  },
  async run(args, io) {
    if (args.values.list) {
      const width = Math.max(...rules.map((r) => r.id.length));
      for (const r of rules) io.stdout.write(`${r.id.padEnd(width)}  ${r.severity.padEnd(7)}  ${r.summary}\n`);
      return 0;
    }
    const id = args.positionals[0];
    if (!id) throw new UsageError('explain: name a rule, e.g. rollsafe explain dropped-column-in-use (or --list)');
    const rule = findRule(id);
    if (!rule) {
      const ids = rules.map((r) => r.id);
      // A typo first; else rules whose id contains the word (`explain timeout`).
      const containing = ids.filter((r) => r.includes(id)).slice(0, 3);
      const hint = didYouMean(id, ids) || (containing.length ? `; did you mean ${containing.join(', ')}?` : '; run rollsafe explain --list');
      throw new UsageError(`explain: no rule "${id}"${hint}`);
    }
    io.stdout.write(renderRuleDoc(rule));
    return 0;
  },
};
