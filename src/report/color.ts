import { Chalk, type ChalkInstance } from 'chalk';

/** Colours on a TTY; `NO_COLOR` turns them off and `FORCE_COLOR` (0–3) decides outright. */
export function colorLevel(env: Readonly<Record<string, string | undefined>>, isTTY: boolean | undefined): 0 | 1 | 2 | 3 {
  const force = env.FORCE_COLOR;
  if (force !== undefined) {
    if (force === '' || force === 'true') return 1;
    if (force === 'false') return 0;
    const n = Number.parseInt(force, 10);
    if (Number.isFinite(n)) return Math.max(0, Math.min(3, n)) as 0 | 1 | 2 | 3;
  }
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return 0;
  if (!isTTY || env.TERM === 'dumb') return 0;
  return env.COLORTERM === 'truecolor' ? 3 : 1;
}

export function painter(level: 0 | 1 | 2 | 3): ChalkInstance {
  return new Chalk({ level });
}
