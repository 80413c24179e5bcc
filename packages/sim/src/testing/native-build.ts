/**
 * Builds esphil-native for a test file in its own build directory (make is incremental, and test files running in
 * parallel never share one). Throws with make's output when g++ or make are missing: a test needing the firmware
 * fails, it does not skip.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const firmwareDir = fileURLToPath(new URL('../../../../apps/firmware', import.meta.url));

/** Builds apps/firmware/build/<dir>/esphil-native and returns its path. */
export function buildNativeForTest(dir: string): string {
  const r = spawnSync('make', ['-C', firmwareDir, '-j2', `BUILD=build/${dir}`, 'native'], {
    encoding: 'utf8',
  });
  if (r.error || r.status !== 0) {
    throw new Error(
      `building the native firmware failed (needs make and g++): ${r.error?.message ?? ''}\n${r.stdout}\n${r.stderr}`,
    );
  }
  return `${firmwareDir}/build/${dir}/esphil-native`;
}
