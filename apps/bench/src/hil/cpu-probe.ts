/**
 * Preloaded (`node --import`) into the HIL CLI process. Records that process's CPU time at its first output
 * and at its summary line ("hil run on ... -> exit N"), and writes them with the total on exit to the file
 * named by ESPHIL_BENCH_CPU_FILE: the bench can then split runner work from waiting inside the run itself.
 */
import { writeFileSync } from 'node:fs';

const file = process.env.ESPHIL_BENCH_CPU_FILE;
const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

if (file) {
  let atFirstOutput: number | null = null;
  let atSummary: number | null = null;
  const write = process.stdout.write.bind(process.stdout) as (...args: unknown[]) => boolean;
  process.stdout.write = ((...args: unknown[]): boolean => {
    const now = cpuMs();
    if (atFirstOutput === null) atFirstOutput = now;
    if (atSummary === null && /hil run on .* -> exit/.test(String(args[0]))) atSummary = now;
    return write(...args);
  }) as typeof process.stdout.write;
  process.on('exit', () => {
    writeFileSync(file, JSON.stringify({ cpuMs: cpuMs(), atFirstOutput, atSummary }));
  });
}
