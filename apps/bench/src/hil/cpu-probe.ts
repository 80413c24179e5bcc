/**
 * Preloaded (`node --import`) into the HIL CLI process: on exit, writes that process's CPU time to the file
 * named by ESPHIL_BENCH_CPU_FILE, so the bench can tell busy runner time from waiting.
 */
import { writeFileSync } from 'node:fs';

const file = process.env.ESPHIL_BENCH_CPU_FILE;
if (file) {
  process.on('exit', () => {
    const u = process.cpuUsage();
    writeFileSync(file, JSON.stringify({ cpuMs: (u.user + u.system) / 1000 }));
  });
}
