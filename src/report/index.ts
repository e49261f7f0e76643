import type { CheckResult } from '../engine/result.js';
import { colorLevel, painter } from './color.js';
import { formatJson } from './json.js';
import { formatPretty } from './pretty.js';

export const FORMATS = ['pretty', 'json'] as const;
export type FormatName = (typeof FORMATS)[number];

export interface ReportTarget {
  write(text: string): void;
  isTTY?: boolean;
}

export function writeReport(result: CheckResult, format: FormatName, out: ReportTarget, env: Readonly<Record<string, string | undefined>>): void {
  if (format === 'json') {
    out.write(formatJson(result));
    return;
  }
  const chalk = painter(colorLevel(env, out.isTTY));
  out.write(formatPretty(result, { chalk }));
}
