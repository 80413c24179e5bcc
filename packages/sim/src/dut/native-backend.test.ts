// The firmware's C++ core (native executable) behind the sim: the state-machine vectors through the backend
// interface, codec errors on the wire, process failures, and a whole sim bench driven by @esphil/client.
// Builds the executable with make + g++ (a separate build dir, so it never races the firmware's own test).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { connect } from '@esphil/client';
import type { VectorFile } from '@esphil/device-model';
import { beforeAll, describe, expect, it } from 'vitest';
import { startSimBench } from '../bench';
import { SimError } from '../errors';
import { runBackendVector } from './backend-vectors';
import { createNativeBackend, nativeBackendFactory } from './native-backend';

const firmwareDir = fileURLToPath(new URL('../../../../apps/firmware', import.meta.url));
const executable = `${firmwareDir}/build/sim-test/esphil-native`;
const file = JSON.parse(
  readFileSync(new URL('../../../device-model/vectors/state-machine.json', import.meta.url), 'utf8'),
) as VectorFile;
const factory = nativeBackendFactory({ executable });

beforeAll(() => {
  const r = spawnSync('make', ['-C', firmwareDir, 'BUILD=build/sim-test', 'native'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    throw new Error(
      `building the native firmware failed (needs make and g++): ${r.error?.message ?? ''}\n${r.stdout}\n${r.stderr}`,
    );
  }
}, 600_000);

describe('NativeBackend (apps/firmware esphil-native)', () => {
  it.each(file.vectors.map((v) => [v.name, v] as const))(
    'conforms to the state-machine vector: %s',
    async (_n, v) => {
      const r = await runBackendVector(factory, file, v);
      expect(r.failure).toBeNull();
    },
  );

  it('answers undecodable and oversize frames with the codec error', async () => {
    const b = factory();
    await b.start(file.configs.starter!, file.ctx.identity);
    const ctx = { ...file.ctx, from: { kind: 'ws' as const, client: 0 } };
    const bad = await b.handleFrame('{"id":4,"op":', ctx.from, ctx);
    expect(JSON.parse(bad.reply!)).toMatchObject({
      t: 'res',
      id: null,
      ok: false,
      error: { code: 'bad_json' },
    });
    const big = await b.handleFrame(`{"id":5,"op":"ping","x":"${'a'.repeat(16_000)}"}`, ctx.from, ctx);
    expect(JSON.parse(big.reply!)).toMatchObject({ ok: false, error: { code: 'too_large' } });
    const legacy = await b.handleFrame('LED ON', ctx.from, ctx);
    expect(legacy.reply).toBe('LED is now ON');
    expect(legacy.events).toEqual([{ t: 'evt', ev: 'led', led: 'status', on: true, by: 'legacy:0' }]);
    await b.close();
  });

  it('rejects a config the hardware cannot run, with the diagnostic', async () => {
    const b = factory();
    const bad = {
      version: 1 as const,
      board: 'esp32-doit-devkit-v1' as const,
      leds: [{ name: 'x', pin: 6 }],
    };
    await expect(b.start(bad, file.ctx.identity)).rejects.toMatchObject({ code: 'bad_config' });
    await b.close();
  });

  it('reports a missing executable with the build command, and a crashed one as not_running', async () => {
    const missing = createNativeBackend({ executable: `${firmwareDir}/build/nope/esphil-native` });
    const err = await missing.start(file.configs.starter!, file.ctx.identity).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SimError);
    expect((err as SimError).code).toBe('bad_option');
    expect((err as SimError).message).toMatch(/pnpm --filter @esphil\/firmware build/);
    const dead = createNativeBackend({ executable: '/bin/false' });
    await expect(dead.start(file.configs.starter!, file.ctx.identity)).rejects.toMatchObject({
      code: 'not_running',
    });
  });

  it('a bench whose native executable is missing fails to start with the build hint, not a boot loop', async () => {
    const missing = nativeBackendFactory({ executable: `${firmwareDir}/build/nope/esphil-native` });
    await expect(startSimBench({ backend: missing, latency: 'zero', port: 0 })).rejects.toMatchObject({
      code: 'bad_option',
      message: expect.stringMatching(/pnpm --filter @esphil\/firmware build/),
    });
  });

  it('runs a whole sim bench: hello, requests, events and pin effects come from the C++ core', async () => {
    const bench = await startSimBench({ backend: factory });
    try {
      const c = await connect(bench.url, { heartbeat: false, reconnect: false });
      try {
        expect(c.caps.pwm[0]).toMatchObject({ name: 'fan', pin: 18 });
        const led = new Promise((resolve) => {
          const off = c.on('led', (e) => {
            off();
            resolve(e);
          });
        });
        await c.ledSet('status', true);
        expect(await led).toMatchObject({ led: 'status', on: true, by: 'ws:0' });
        expect(c.state.leds.status).toBe(true);
        const pwm = await c.pwmSet('fan', { duty: 1 });
        expect(pwm).toMatchObject({ ch: 'fan', duty: 2 ** pwm.bits - 1 });
        await expect(c.pwmConfig('fan', 5000, 14)).rejects.toMatchObject({ code: 'pwm_infeasible' });
      } finally {
        await c.close();
      }
    } finally {
      await bench.close();
    }
  });
});
