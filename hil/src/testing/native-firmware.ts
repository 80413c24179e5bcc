import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const firmwareDir = fileURLToPath(new URL('../../../apps/firmware', import.meta.url));

/**
 * Builds the reference firmware for the host (make + g++) into `apps/firmware/<buildDir>` and returns the
 * esphil-native path. Each test file gets its own build dir, so none races the firmware package's own build or
 * another file's. Throws with make's output when the build fails (a missing g++ is loud, never a skip).
 */
export function buildNativeFirmware(buildDir: string): string {
  const r = spawnSync('make', ['-C', firmwareDir, `BUILD=${buildDir}`, 'native'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    throw new Error(
      `building the native firmware failed (needs make and g++): ${r.error?.message ?? ''}\n${r.stdout}${r.stderr}`,
    );
  }
  return `${firmwareDir}/${buildDir}/esphil-native`;
}
