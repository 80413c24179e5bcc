/**
 * Console bytes for the differential stream: requests with the machine prefix (CRLF, LF, CR or no ending, so a
 * line may continue in the next chunk), noise before the prefix, lines without it, bad JSON, overlong lines, and
 * Improv packets (state, info, networks, WiFi settings right and wrong, bad checksum, unknown RPC, a wrong version,
 * echoed device packets), alone or in the middle of a line.
 */
import { MAX_SERIAL_LINE_BYTES } from '@esphil/device-model';
import { encodeImprovFrame, encodeImprovPacket, type ImprovPacket, ImprovPacketType } from '@esphil/protocol';
import type { Rng } from '../../rng';
import type { DiffScenario } from './differential-stream';

const enc = new TextEncoder();
const PREFIX = '@esphil ';

function pick<T>(rng: Rng, xs: readonly T[]): T {
  return xs[Math.floor(rng.next() * xs.length)] as T;
}

function concat(...parts: (Uint8Array | string)[]): Uint8Array {
  const bytes = parts.map((p) => (typeof p === 'string' ? enc.encode(p) : p));
  const out = new Uint8Array(bytes.reduce((n, b) => n + b.length, 0));
  let at = 0;
  for (const b of bytes) {
    out.set(b, at);
    at += b.length;
  }
  return out;
}

/** A line of exactly `bytes` bytes (prefix included) that is a ping with padding. */
function paddedPing(bytes: number): string {
  const head = `${PREFIX}{"id":5,"op":"ping","pad":"`;
  return `${head}${'x'.repeat(Math.max(0, bytes - head.length - 2))}"}`;
}

function improvPacket(rng: Rng, scenario: DiffScenario): Uint8Array {
  const creds = scenario.radio.network ?? scenario.radio.stored ?? { ssid: 'lab', password: 'secret' };
  const rpc = (p: ImprovPacket): Uint8Array => encodeImprovPacket(p);
  const r = rng.next();
  if (r < 0.45) {
    return rpc({
      type: 'rpc_command',
      rpc: pick(rng, [
        { command: 'get_state' },
        { command: 'get_info' },
        { command: 'get_networks' },
        { command: 'wifi_settings', ssid: creds.ssid, password: creds.password },
        { command: 'wifi_settings', ssid: creds.ssid, password: creds.password },
        { command: 'wifi_settings', ssid: creds.ssid, password: 'wrong-password' },
        { command: 'wifi_settings', ssid: 'other-net', password: creds.password },
        { command: 'wifi_settings', ssid: '', password: 'x' },
        { command: 'wifi_settings', ssid: 's'.repeat(33), password: 'x' },
        { command: 'other', code: 0x09, data: new Uint8Array() },
      ] as const),
    });
  }
  if (r < 0.6) {
    // A good packet with its checksum or version spoiled.
    const p = rpc({ type: 'rpc_command', rpc: { command: 'get_state' } });
    const spoiled = p.slice();
    if (rng.next() < 0.5) spoiled[spoiled.length - 1] = (spoiled[spoiled.length - 1]! + 1) & 0xff;
    else spoiled[6] = 2;
    return spoiled;
  }
  if (r < 0.8) {
    // RPC data the SDK's parser accepts but a strict decoder would not, and lengths that do not add up.
    return encodeImprovFrame(
      ImprovPacketType.rpc_command,
      Uint8Array.from(
        pick(rng, [
          [0x02, 1, 0x00],
          [0x03, 0],
          [0x02, 5],
          [0x01],
          [0x01, 2, 1, 0x61],
          [0x01, 6, 3, 0x6c, 0x61, 0x62, 0, 0x7a],
        ]),
      ),
    );
  }
  // Device-to-host packets echoed back: ignored.
  return rpc(
    pick(rng, [
      { type: 'current_state', state: 'ready' },
      { type: 'error_state', error: 'none' },
    ] as const),
  );
}

export function serialChunk(rng: Rng, scenario: DiffScenario, request: unknown): Uint8Array {
  const end = pick(rng, ['\r\n', '\r\n', '\n', '\r', '']);
  const r = rng.next();
  if (r < 0.35) return enc.encode(`${PREFIX}${JSON.stringify(request)}${end}`);
  if (r < 0.42) {
    const noise = Uint8Array.from(pick(rng, [[0x00], [0xff, 0xfe], [0x1b, 0x5b], [0x80, 0x0d]]));
    return concat(noise, `${PREFIX}{"id":9,"op":"state.get"}${end}`);
  }
  if (r < 0.5) {
    const full = { id: 3, op: 'config.set', config: scenario.config };
    return enc.encode(`${PREFIX}${JSON.stringify(pick(rng, [full, { id: 4, op: 'config.get' }]))}\r\n`);
  }
  if (r < 0.6) {
    return enc.encode(
      pick(rng, [
        'ets Jun  8 2016 00:22:57\r\n',
        'esphil {"id":1,"op":"ping"}\n',
        '@esphil{"id":1,"op":"ping"}\n',
        `${PREFIX}{nope\r\n`,
        `${PREFIX}[1]\n`,
        `${PREFIX}\r\n`,
        `${PREFIX}{"id":1,"op":"led.set","led":"IMPROVE","on":true}\n`,
        '\r\n\r\n',
        `${PREFIX}{"id":2,"op":"ping"} trailing\n`,
      ]),
    );
  }
  if (r < 0.66) {
    const n = pick(rng, [MAX_SERIAL_LINE_BYTES, MAX_SERIAL_LINE_BYTES + 1, MAX_SERIAL_LINE_BYTES + 900]);
    return enc.encode(`${paddedPing(n)}${pick(rng, ['\r\n', '\n'])}`);
  }
  const packet = improvPacket(rng, scenario);
  // Alone, or in the middle of a line that goes on after it.
  if (rng.next() < 0.7) return packet;
  return concat(`${PREFIX}{"id":6,`, packet, `"op":"ping"}${end}`);
}
