// The TS device body against the firmware's own (esphil-native in device mode): a short seeded differential run, at
// body level and behind the arduinoWebSockets transport with real clients. The long run is `pnpm differential`.
import type { DeviceAction } from '@esphil/device-model';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildNativeForTest } from '../../testing/native-build';
import { comparable, DIFFERENT_BY_DESIGN, formatDivergence, runDifferential } from './differential';
import { diffScenarios } from './differential-stream';
import { runWireDifferential } from './differential-wire';
import { NativeDeviceBody } from './native-body';
import { TsDeviceBody } from './ts-body';

let executable = '';
beforeAll(() => {
  executable = buildNativeForTest('sim-diff');
}, 600_000);

/** Seeds of the short run: fixed, so `pnpm test` is reproducible. */
const SEEDS = [1, 2, 3, 4];
const STEPS = 400;

async function withNative<T>(fn: (b: NativeDeviceBody) => Promise<T>): Promise<T> {
  const b = new NativeDeviceBody({ executable });
  try {
    return await fn(b);
  } finally {
    await b.close();
  }
}

describe('differential: TS body vs the firmware', () => {
  for (const scenario of diffScenarios()) {
    it(`body level, ${scenario.name}: every action equal (${SEEDS.length} seeds x ${STEPS} steps)`, async () => {
      let actions = 0;
      const kinds: Record<string, number> = {};
      for (const seed of SEEDS) {
        const r = await withNative((n) => runDifferential(new TsDeviceBody(), n, scenario, seed, STEPS));
        expect(r.divergence === null ? '' : formatDivergence(r.divergence), `seed ${seed}`).toBe('');
        actions += r.actions;
        for (const [k, v] of Object.entries(r.kinds)) kinds[k] = (kinds[k] ?? 0) + v;
      }
      // The stream must make the device talk, on its sockets and its console, or equality proves nothing.
      expect(actions).toBeGreaterThan(SEEDS.length * STEPS * 0.5);
      expect(kinds.send ?? 0).toBeGreaterThan(SEEDS.length * STEPS * 0.2);
      expect(kinds.serial ?? 0).toBeGreaterThan(SEEDS.length * STEPS * 0.1);
      // Improv provisions where the board starts unprovisioned and its network is in range.
      if (scenario.name === 'unprovisioned') expect(kinds['store-wifi'] ?? 0).toBeGreaterThan(0);
    });

    it(`behind the transport, ${scenario.name}: every byte each client gets is equal`, async () => {
      for (const seed of SEEDS.slice(0, 2)) {
        const r = await runWireDifferential(
          new TsDeviceBody(),
          new NativeDeviceBody({ executable }),
          scenario,
          seed,
          150,
        );
        expect(r.divergence ?? '', `seed ${seed}`).toBe('');
        expect(r.steps).toBe(150);
      }
    });
  }

  it('reports the first divergence with its seed and step (a body that answers one frame differently)', async () => {
    class Skewed extends TsDeviceBody {
      override async text(slot: number, data: Uint8Array, now: number): Promise<DeviceAction[]> {
        return (await super.text(slot, data, now)).map((a) =>
          a.a === 'send' ? { ...a, text: a.text.replace('"ok":true', '"ok":1') } : a,
        );
      }
    }
    const r = await withNative((n) => runDifferential(new Skewed(), n, diffScenarios()[0]!, 7, STEPS));
    expect(r.divergence).not.toBeNull();
    expect(formatDivergence(r.divergence!)).toMatch(/^bodies diverge: seed 7, scenario open, step \d+/);
  });

  it('compares console bytes: a body that writes one serial byte differently diverges, shown as text', async () => {
    class Skewed extends TsDeviceBody {
      override async serial(data: Uint8Array, now: number): Promise<DeviceAction[]> {
        return (await super.serial(data, now)).map((a) =>
          a.a === 'serial' ? { a: 'serial', data: a.data.map((b) => (b === 0x0a ? 0x20 : b)) } : a,
        );
      }
    }
    const r = await withNative((n) => runDifferential(new Skewed(), n, diffScenarios()[3]!, 7, STEPS));
    expect(r.divergence?.step.k).toBe('serial');
    expect(formatDivergence(r.divergence!)).toMatch(/serial @esphil \{"t":"[a-z]+".*\\r \n/);
  });

  it('behind the transport the console is compared too', async () => {
    class Skewed extends TsDeviceBody {
      override async tick(now: number): Promise<DeviceAction[]> {
        return (await super.tick(now)).map((a) =>
          a.a === 'serial' ? { a: 'serial', data: a.data.map((b) => (b === 0x0d ? 0x20 : b)) } : a,
        );
      }
    }
    const scenario = diffScenarios()[3]!;
    const r = await runWireDifferential(new Skewed(), new NativeDeviceBody({ executable }), scenario, 7, 150);
    expect(r.divergence ?? '').toMatch(/step \d+: \{"k":"tick"[\s\S]*console: serial @esphil/);
  });

  it('blanks only the named by-design field: an error code still counts', () => {
    expect(DIFFERENT_BY_DESIGN.map((d) => d.field)).toEqual(['error.msg']);
    const res = (code: string, msg: string): DeviceAction => ({
      a: 'send',
      slot: 0,
      text: JSON.stringify({ t: 'res', id: 1, ok: false, error: { code, msg } }),
    });
    expect(comparable(res('bad_json', 'one "text"'))).toEqual(comparable(res('bad_json', 'another')));
    expect(comparable(res('bad_json', 'x'))).not.toEqual(comparable(res('bad_param', 'x')));
    const line = (code: string, msg: string): DeviceAction => {
      const { text } = res(code, msg) as { text: string };
      return { a: 'serial', data: new TextEncoder().encode(`@esphil ${text}\r\n`) };
    };
    expect(comparable(line('bad_json', 'one'))).toEqual(comparable(line('bad_json', 'another "one"')));
    expect(comparable(line('bad_json', 'x'))).not.toEqual(comparable(line('too_large', 'x')));
  });
});
