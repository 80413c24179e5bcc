// device-model's connection vectors through the sim's transport, on both bodies: the TypeScript one and the
// firmware core's native executable (built here with make + g++ into its own build dir).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DeviceBackendFactory } from './backend';
import { type ConnectionVectorFile, runConnectionVector } from './connection-vectors';
import { nativeBackendFactory } from './native-backend';
import { tsBackendFactory } from './ts-backend';

const firmwareDir = fileURLToPath(new URL('../../../../apps/firmware', import.meta.url));
const build = 'build/sim-conn';
const file = JSON.parse(
  readFileSync(new URL('../../../device-model/vectors/connection.json', import.meta.url), 'utf8'),
) as ConnectionVectorFile;

beforeAll(() => {
  const r = spawnSync('make', ['-C', firmwareDir, `BUILD=${build}`, 'native'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    throw new Error(
      `building the native firmware failed (needs make and g++): ${r.error?.message ?? ''}\n${r.stderr}`,
    );
  }
}, 600_000);

const bodies: [string, DeviceBackendFactory][] = [
  ['ts', tsBackendFactory],
  ['native', nativeBackendFactory({ executable: `${firmwareDir}/${build}/esphil-native` })],
];

describe.each(bodies)('connection vectors on the %s body', (_name, backend) => {
  it.each(file.vectors.map((v) => [v.name, v] as const))('%s', async (_n, v) => {
    expect(await runConnectionVector(backend, file, v)).toBeNull();
  });
});
