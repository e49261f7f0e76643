// Loaded with `node --import` when GNU time is missing: writes the process's peak RSS (KiB) and CPU
// seconds (user, system; its own, not its children's) at exit.
import { writeFileSync } from 'node:fs';

const file = process.env.ROLLSAFE_BENCH_RSS_FILE;
if (file) {
  process.on('exit', () => {
    try {
      const usage = process.resourceUsage();
      writeFileSync(file, `${usage.maxRSS} ${(usage.userCPUTime / 1e6).toFixed(2)} ${(usage.systemCPUTime / 1e6).toFixed(2)}\n`);
    } catch {
      // the parent reports the RSS as unknown
    }
  });
}
