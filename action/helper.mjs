// Small readers for action/check.sh: the event payload, the action's own version, the project's wanted
// rollsafe, and the `args` input split as a POSIX shell splits words (quotes and backslashes, no expansion).
// Only Node built-ins: it runs before any package is installed, and it never loads the project's code.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** `a.b.c` of the event JSON ($GITHUB_EVENT_PATH), as text; '' when absent, null or not a scalar. */
function eventField(path) {
  const file = process.env.GITHUB_EVENT_PATH;
  if (!file) return '';
  let value;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return '';
  }
  for (const key of path.split('.')) value = value !== null && typeof value === 'object' ? value[key] : undefined;
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : '';
}

/** Words of `text` as sh reads them: '…' literal, "…" with \" \\ \$ \` escapes, \x outside quotes. Throws on an open quote. */
export function splitArgs(text) {
  const words = [];
  let word = null;
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      if (word !== null) words.push(word);
      word = null;
      i++;
    } else if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) throw new Error('unmatched single quote');
      word = (word ?? '') + text.slice(i + 1, end);
      i = end + 1;
    } else if (c === '"') {
      word ??= '';
      i++;
      for (;;) {
        if (i >= text.length) throw new Error('unmatched double quote');
        const d = text[i];
        if (d === '"') break;
        if (d === '\\' && i + 1 < text.length && '"\\$`\n'.includes(text[i + 1])) {
          if (text[i + 1] !== '\n') word += text[i + 1];
          i += 2;
        } else {
          word += d;
          i++;
        }
      }
      i++;
    } else if (c === '\\') {
      if (i + 1 >= text.length) throw new Error('trailing backslash');
      if (text[i + 1] !== '\n') word = (word ?? '') + text[i + 1];
      i += 2;
    } else {
      word = (word ?? '') + c;
      i++;
    }
  }
  if (word !== null) words.push(word);
  return words;
}

/** The rollsafe spec the project's package.json names (dependencies or devDependencies), or ''. */
function wantedVersion() {
  try {
    const p = JSON.parse(readFileSync('package.json', 'utf8'));
    const spec = { ...p.devDependencies, ...p.dependencies }.rollsafe;
    return typeof spec === 'string' ? spec : '';
  } catch {
    return '';
  }
}

function main(command, arg) {
  switch (command) {
    case 'event':
      process.stdout.write(eventField(arg ?? ''));
      break;
    case 'action-version':
      process.stdout.write(String(JSON.parse(readFileSync(join(here, '..', 'package.json'), 'utf8')).version ?? ''));
      break;
    case 'wanted-version':
      process.stdout.write(wantedVersion());
      break;
    case 'args':
      try {
        // NUL-separated: the shell reads them back with `read -d ''`, so any word survives.
        for (const word of splitArgs(process.env.INPUT_ARGS ?? '')) process.stdout.write(`${word}\0`);
      } catch (error) {
        process.stderr.write(`rollsafe action: the args input cannot be read: ${error.message}\n`);
        process.exit(2);
      }
      break;
    default:
      if (command !== undefined) {
        process.stderr.write(`helper.mjs: unknown command ${command}\n`);
        process.exit(2);
      }
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main(process.argv[2], process.argv[3]);
