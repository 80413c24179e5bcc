/**
 * The consumer app compiled in the scratch project: it uses each public package the way an outside app would,
 * under NodeNext resolution. `@ts-expect-error` lines prove the types are real (an `any` would make them unused,
 * which is itself a compile error). It prints one JSON line the test checks.
 */
export const CONSUMER_SOURCE = `
import { PROTOCOL_VERSION, decodeRequest, encodeMessage, SerialFramer } from '@esphil/protocol';
import type { Request } from '@esphil/protocol';
import { createMachine, starterConfig, step, validateConfig } from '@esphil/device-model';
import { SerialError, guessBoard } from '@esphil/serial';
import { DeviceClientError, connect } from '@esphil/client';
import type { DeviceClient } from '@esphil/client';
import { startSimBench } from '@esphil/sim';
import { resolveBench, runHil } from '@esphil/hil';
import type { HilFixtures } from '@esphil/hil';
import { parseConfigText } from '@esphil/firmware-config';

const decoded = decodeRequest('{"id":7,"op":"led.set","led":"status","on":true}');
const request: Request | null = decoded.ok ? decoded.value : null;
const rejected = decodeRequest('{"id":8,"op":"led.set","led":"status"}');

const config = starterConfig('esp32-doit-devkit-v1');
const { diagnostics } = validateConfig(config);
const machine = createMachine(config);
const identity = { fw: '1.0.0', board: config.board, device: 'esp32-test', boot: 'b1' };
const result = request
  ? step(machine, request, { from: { kind: 'ws', client: 0 }, nowMs: 0, uptimeMs: 0, identity, clients: 1, ip: null, rssi: null, heapFree: 0 })
  : null;

const framer = new SerialFramer();
const items = framer.push(new TextEncoder().encode('boot noise\\r\\n'));

const error = new SerialError('port_missing', 'no port');
// Compiled, never called: each line must be a type error.
export function typeErrors() {
  // @ts-expect-error: not a board id
  starterConfig('not-a-board');
  // @ts-expect-error: SerialError codes are a closed union
  new SerialError('no-such-code', 'x');
  // @ts-expect-error: led.set needs 'on'
  const r: Request = { id: 1, op: 'led.set', led: 'status' };
  return r;
}

// Typed request helpers, checked but not run (no device here).
export async function drive(client: DeviceClient) {
  const led = await client.ledSet('status', true);
  const on: boolean = led.on;
  // @ts-expect-error: pwm.set takes { duty } or { raw }
  await client.pwmSet('fan', { percent: 5 });
  return on && typeof connect === 'function';
}

// A real round trip through the packed sim and client on loopback.
const bench = await startSimBench({ latency: 'zero', port: 0 });
const client = await connect(bench.url, { reconnect: false, heartbeat: false });
const simLed = (await client.ledSet('status', true)).on;
await client.close();
await bench.close();

// The HIL Node API validates bench files (a typo is an issue, not a default); the fixtures' types resolve.
const benchCheck = resolveBench({ kind: 'sim', sim: { backedn: 'ts' } });
export type Fixtures = HilFixtures;
const fwConfig = parseConfigText('{"version": 1, "version": 2}', { fileName: 'device.json' });

console.log(JSON.stringify({
  proto: PROTOCOL_VERSION,
  decoded: decoded.ok,
  rejectedCode: rejected.ok ? null : rejected.error.code,
  encoded: request ? encodeMessage(request) : null,
  warnings: diagnostics.filter((d) => d.severity === 'warning').map((d) => d.code),
  errors: diagnostics.filter((d) => d.severity === 'error').length,
  ledOn: result ? result.state.snapshot.leds['status'] : null,
  response: result ? result.response.ok : null,
  lines: items.length,
  serialCode: error.code,
  cp210x: guessBoard({ vendorId: '10c4', productId: 'ea60' }) !== null,
  clientError: new DeviceClientError('not_connected', 'offline').code,
  simLed,
  hilSuites: typeof runHil === 'function' && benchCheck.issues.some((i) => i.path === 'sim.backedn'),
  fwConfigCode: fwConfig.ok ? null : fwConfig.error.code,
}));
`;
