// device-model's connection vectors through the sim's transport, on both device bodies (the TypeScript one and the
// firmware's own Device, the native executable built here with make + g++ into its own build dir) and on the
// frame-level backends behind the sim's own connection code.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildNativeForTest } from '../testing/native-build';
import { nativeDeviceBodyFactory } from './body/native-body';
import { tsDeviceBodyFactory } from './body/ts-body';
import { type ConnectionVectorFile, runConnectionVector, type VectorDevice } from './connection-vectors';
import { nativeBackendFactory } from './native-backend';
import { tsBackendFactory } from './ts-backend';

const file = JSON.parse(
  readFileSync(new URL('../../../device-model/vectors/connection.json', import.meta.url), 'utf8'),
) as ConnectionVectorFile;

let executable = '';
beforeAll(() => {
  executable = buildNativeForTest('sim-conn');
}, 600_000);

const devices: [string, VectorDevice][] = [
  ["TS backend (the sim's WsServer)", { backend: tsBackendFactory }],
  // The factories read `executable` when a bench boots, after beforeAll built it.
  ["native backend (the sim's WsServer)", { backend: () => nativeBackendFactory({ executable })() }],
  ['TS body', { body: tsDeviceBodyFactory }],
  ["native body (the firmware's own Device)", { body: () => nativeDeviceBodyFactory({ executable })() }],
];

describe.each(devices)('connection vectors on the %s', (_name, device) => {
  it.each(file.vectors.map((v) => [v.name, v] as const))('%s', async (_n, v) => {
    expect(await runConnectionVector(device, file, v)).toBeNull();
  });
});
