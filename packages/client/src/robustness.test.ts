// Property: whatever a device sends, the client neither throws nor loses the connection (below the drop
// threshold), and keeps answering requests.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceClient } from './client';
import { connect } from './index';
import { type FakeDevice, startFakeDevice } from './testing/fake-device';

let device: FakeDevice;
let client: DeviceClient;
beforeAll(async () => {
  device = await startFakeDevice({});
  client = await connect(device.url, { heartbeat: false, reconnect: false, maxProtocolErrors: 1_000_000 });
});
afterAll(async () => {
  await client.close();
  await device.close();
});

const nearlyValid = fc.oneof(
  fc.record(
    {
      t: fc.constant('evt'),
      seq: fc.oneof(fc.nat(), fc.integer(), fc.double(), fc.string()),
      ev: fc.constantFrom('led', 'pwm', 'button', 'sensor', 'log', 'x'),
      led: fc.oneof(fc.constant('status'), fc.string(), fc.integer()),
      on: fc.oneof(fc.boolean(), fc.integer()),
      by: fc.string(),
      ch: fc.string(),
      freq: fc.integer(),
      bits: fc.integer(),
      duty: fc.integer(),
      button: fc.string(),
      pressed: fc.boolean(),
      sensor: fc.string(),
      raw: fc.integer(),
      value: fc.double(),
      level: fc.constantFrom('info', 'nope'),
      msg: fc.string(),
    },
    { requiredKeys: ['t'] },
  ),
  fc.record(
    {
      t: fc.constant('res'),
      id: fc.oneof(fc.nat(), fc.constant(null), fc.string()),
      ok: fc.oneof(fc.boolean(), fc.constant('yes')),
      result: fc.anything(),
      error: fc.record({ code: fc.string(), msg: fc.string() }),
    },
    { requiredKeys: ['t'] },
  ),
  fc.record({
    t: fc.constantFrom('hello', 'auth_required', 'evt', 'res', ''),
    proto: fc.anything(),
    seq: fc.anything(),
  }),
);
const frame = fc.oneof(
  fc.string({ maxLength: 300 }),
  fc.json(),
  nearlyValid.map((v) => JSON.stringify(v)),
  fc.anything().map((v) => JSON.stringify(v) ?? 'undefined'),
);

describe('robustness', () => {
  it('random and nearly-valid frames never crash the client or cost the connection', async () => {
    const kinds = new Set<string>();
    client.onAll((e) => kinds.add(e.kind));
    await fc.assert(
      fc.asyncProperty(fc.array(frame, { minLength: 1, maxLength: 20 }), async (frames) => {
        for (const f of frames) device.sendRaw(f);
        // a round trip after the burst: the client processed every frame before it
        const p = await client.ping();
        expect(typeof p.uptimeMs).toBe('number');
        expect(client.status).toBe('open');
      }),
      { numRuns: 60, seed: 42 },
    );
    expect(kinds.has('protocol-error')).toBe(true);
  });
});
