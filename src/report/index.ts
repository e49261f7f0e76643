import type { CheckResult } from '../engine/result.js';
import { colorLevel, painter } from './color.js';
import { formatCompact } from './compact.js';
import { formatGithub, githubAnnotationsWanted } from './github.js';
import { formatGitlab } from './gitlab.js';
import { formatJson } from './json.js';
import { formatJunit } from './junit.js';
import { formatPretty } from './pretty.js';
import { sanitizeJson } from './sanitize.js';
import { formatSarif } from './sarif.js';

export const FORMATS = ['pretty', 'compact', 'json', 'sarif', 'github', 'gitlab', 'junit'] as const;
export type FormatName = (typeof FORMATS)[number];

export interface ReportTarget {
  write(text: string): void;
  isTTY?: boolean;
}

export interface ReportOptions {
  /** rollsafe's version, for formats that name the tool (SARIF). */
  version?: string;
}

export function writeReport(result: CheckResult, format: FormatName, out: ReportTarget, env: Readonly<Record<string, string | undefined>>, options: ReportOptions = {}): void {
  switch (format) {
    case 'compact':
      out.write(formatCompact(result));
      return;
    case 'json':
      out.write(sanitizeJson(formatJson(result)));
      return;
    case 'sarif':
      out.write(sanitizeJson(formatSarif(result, { version: options.version ?? '0.0.0' })));
      return;
    case 'github':
      out.write(formatGithub(result));
      return;
    case 'gitlab':
      out.write(sanitizeJson(formatGitlab(result)));
      return;
    case 'junit':
      out.write(formatJunit(result));
      return;
    case 'pretty': {
      const chalk = painter(colorLevel(env, out.isTTY));
      out.write(formatPretty(result, { chalk }));
      // On GitHub Actions the same findings also become annotations on the pull request's diff.
      if (githubAnnotationsWanted(env)) out.write(formatGithub(result));
    }
  }
}
