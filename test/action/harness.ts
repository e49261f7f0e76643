/**
 * Runs the action's script (action/check.sh) as a runner would: the event as GITHUB_EVENT_NAME and a JSON
 * payload in GITHUB_EVENT_PATH, inputs as INPUT_* variables, outputs read back from GITHUB_OUTPUT. `npm` and
 * `npx` on PATH are stubs that record what would run; the npm stub "installs" rollsafe by writing a
 * `node_modules/.bin/rollsafe` under the prefix it is given, either a recorder (`fake`) or the build of this
 * worktree (`real`), so that base and exit-code tests run the real rollsafe against real repositories.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { binPath, ensureBuilt, repoRoot } from '../support/built.js';

export const checkScript = join(repoRoot, 'action', 'check.sh');
export const actionVersion = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;

export interface ActionRun {
  status: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  /** What the stubs recorded, one line each: `npm …`, `npx …`, `pinned …`, `FORK …`. */
  log: string[];
  summary: string;
}

export interface ActionOptions {
  event: string;
  payload: unknown;
  inputs?: Record<string, string>;
  env?: Record<string, string>;
  /** What the installed rollsafe is: a recorder or the real build. */
  rollsafe?: 'fake' | 'real';
}

/** A recorder: logs its arguments (each in brackets), its folder and ROLLSAFE_NO_CODE_CONFIG; SARIF runs print a small log. */
export function recorder(label: string): string {
  return `#!/usr/bin/env bash
line="${label}"
for a in "$@"; do line="$line [$a]"; done
echo "$line cwd=$PWD no-code-config=\${ROLLSAFE_NO_CODE_CONFIG:-}" >> "$ACTION_LOG"
case " $* " in *" sarif "*) echo '{"version":"2.1.0","runs":[]}' ;; *) echo "${label} report" ;; esac
exit "\${FAKE_EXIT:-0}"
`;
}

export class ActionSandbox {
  readonly dir = mkdtempSync(join(tmpdir(), 'rollsafe-action-'));
  readonly stubs = join(this.dir, 'stubs');
  readonly runnerTemp = join(this.dir, 'runner-temp');

  constructor() {
    ensureBuilt();
    mkdirSync(this.stubs);
    mkdirSync(this.runnerTemp);
    const npm = `#!/usr/bin/env bash
echo "npm $* cwd=$PWD" >> "$ACTION_LOG"
prefix=""; spec=""
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) prefix="$2"; shift ;;
    rollsafe@*) spec="\${1#rollsafe@}" ;;
  esac
  shift
done
[ -n "$prefix" ] && [ -n "$spec" ] || exit 1
mkdir -p "$prefix/node_modules/.bin"
bin="$prefix/node_modules/.bin/rollsafe"
if [ "$STUB_ROLLSAFE" = real ]; then
  printf '#!/usr/bin/env bash\\necho "pinned rollsafe@%s (real)" >> "$ACTION_LOG"\\nexec node %q "$@"\\n' "$spec" "$ROLLSAFE_BIN" > "$bin"
else
  sed "s/__LABEL__/pinned rollsafe@$spec/" "$FAKE_TEMPLATE" > "$bin"
fi
chmod +x "$bin"
`;
    this.script('npm', npm);
    this.script('npx', '#!/usr/bin/env bash\necho "npx $* cwd=$PWD" >> "$ACTION_LOG"\nexit 0\n');
    writeFileSync(join(this.dir, 'fake-template'), recorder('__LABEL__'));
  }

  private script(name: string, text: string): void {
    writeFileSync(join(this.stubs, name), text);
    chmodSync(join(this.stubs, name), 0o755);
  }

  run(cwd: string, options: ActionOptions): ActionRun {
    const eventPath = join(this.dir, 'event.json');
    const outputPath = join(this.dir, 'output');
    const summaryPath = join(this.dir, 'step-summary.md');
    const logPath = join(this.dir, 'log');
    writeFileSync(eventPath, JSON.stringify(options.payload));
    for (const p of [outputPath, summaryPath, logPath]) writeFileSync(p, '');
    const env: Record<string, string> = {
      PATH: `${this.stubs}:${process.env.PATH ?? ''}`,
      HOME: process.env.HOME ?? this.dir,
      NO_COLOR: '1',
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      GITHUB_EVENT_NAME: options.event,
      GITHUB_EVENT_PATH: eventPath,
      GITHUB_REPOSITORY: 'owner/app',
      GITHUB_OUTPUT: outputPath,
      GITHUB_STEP_SUMMARY: summaryPath,
      RUNNER_TEMP: this.runnerTemp,
      ACTION_LOG: logPath,
      STUB_ROLLSAFE: options.rollsafe ?? 'fake',
      ROLLSAFE_BIN: binPath,
      FAKE_TEMPLATE: join(this.dir, 'fake-template'),
      ...options.env,
    };
    for (const [name, value] of Object.entries(options.inputs ?? {})) env[`INPUT_${name.toUpperCase().replace(/-/g, '_')}`] = value;
    const child = spawnSync('bash', [checkScript], { cwd, env, encoding: 'utf8', timeout: 120_000 });
    const outputs: Record<string, string> = {};
    for (const line of readFileSync(outputPath, 'utf8').split('\n')) {
      const eq = line.indexOf('=');
      if (eq > 0) outputs[line.slice(0, eq)] = line.slice(eq + 1);
    }
    return {
      status: child.status,
      stdout: child.stdout,
      stderr: child.stderr,
      outputs,
      log: readFileSync(logPath, 'utf8').split('\n').filter(Boolean),
      summary: readFileSync(summaryPath, 'utf8'),
    };
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
