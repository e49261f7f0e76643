/**
 * Long runs: a progress line on stderr while rollsafe works (only on a terminal, only with the pretty
 * format, without colours under NO_COLOR), and with --verbose one line of timings per stage at the end.
 */
import type { CheckStage } from '../engine/check.js';
import { colorLevel, painter } from '../report/color.js';
import { sanitize } from '../report/sanitize.js';

export interface ProgressTarget {
  write(text: string): void;
  isTTY?: boolean;
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const STAGE_NAMES: Record<CheckStage | 'report', string> = { migrations: 'find', replay: 'migrations', code: 'code', rules: 'rules', report: 'report' };

export class Progress {
  private readonly live: boolean;
  private readonly started = performance.now();
  private readonly stages: { stage: CheckStage | 'report'; at: number }[] = [];
  private text = '';
  private frame = 0;
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly paint;

  /** `live`: draw the progress line (stderr is a terminal and the format is pretty). */
  constructor(
    private readonly stderr: ProgressTarget,
    env: Readonly<Record<string, string | undefined>>,
    format: string,
  ) {
    this.live = Boolean(stderr.isTTY) && format === 'pretty' && env.TERM !== 'dumb';
    this.paint = painter(colorLevel(env, stderr.isTTY));
  }

  /** A stage starts: record the time, and redraw the line. */
  stage(stage: CheckStage | 'report', detail: string): void {
    this.stages.push({ stage, at: performance.now() });
    if (!this.live) return;
    this.text = sanitize(detail);
    this.draw();
    // The spinner turns while the event loop is free (git, file reads); a busy stage just holds its frame.
    this.timer ??= setInterval(() => this.draw(), 120);
    this.timer.unref?.();
  }

  private draw(): void {
    const seconds = ((performance.now() - this.started) / 1000).toFixed(0);
    this.frame = (this.frame + 1) % FRAMES.length;
    this.stderr.write(`\r\u001b[2K${this.paint.cyan(FRAMES[this.frame]!)} ${this.text}… ${this.paint.dim(`${seconds}s`)}`);
  }

  /** Clears the line before anything else is printed. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.live && this.text) this.stderr.write('\r\u001b[2K');
    this.text = '';
  }

  /** `rollsafe: 3.2 s (find 0.1 s, migrations 0.4 s, code 2.5 s, rules 0.1 s, report 0.1 s)`. */
  timings(): string {
    const end = performance.now();
    const parts = this.stages.map((s, i) => `${STAGE_NAMES[s.stage]} ${seconds((this.stages[i + 1]?.at ?? end) - s.at)}`);
    return `rollsafe: ${seconds(end - this.started)} (${parts.join(', ')})`;
  }
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
