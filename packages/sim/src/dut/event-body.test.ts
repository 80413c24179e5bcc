import type { UnsequencedEvent } from '@esphil/protocol';
import { describe, expect, it } from 'vitest';
import { eventBody, eventBytes } from './ws-server';

// Broadcast serialises an event once and splices each connection's seq in: the bytes must be exactly what a
// per-client JSON.stringify({ t, seq, ...rest }) would have produced.
const EVENTS: UnsequencedEvent[] = [
  { t: 'evt', ev: 'led', led: 'status', on: true, by: 'ws:0' },
  { t: 'evt', ev: 'pwm', ch: 'fan', freq: 5000, bits: 10, duty: 1023, by: 'serial' },
  { t: 'evt', ev: 'button', button: 'boot', pressed: false },
  { t: 'evt', ev: 'sensor', sensor: 'light', raw: 2048, value: 1.65 },
  { t: 'evt', ev: 'log', level: 'warn', msg: 'quote " and \\ and \u00e9' }, // `t` not first (a backend that builds events in another key order): the slower path, same bytes.
  { ev: 'led', t: 'evt', led: 'aux', on: false, by: 'serial' } as UnsequencedEvent,
];

describe('eventBody', () => {
  it.each(EVENTS.map((e) => [e.ev, e] as const))('%s: spliced seq gives the same JSON', (_kind, event) => {
    const body = eventBody(event);
    for (const seq of [1, 42, 4294967295]) {
      const { t, ...rest } = event;
      expect(`${body.head}${seq}${body.tail}`).toBe(JSON.stringify({ t, seq, ...rest }));
      // The bytes encoded once per event and numbered per client are the UTF-8 of the same JSON.
      expect(eventBytes(body, seq).equals(Buffer.from(JSON.stringify({ t, seq, ...rest })))).toBe(true);
    }
  });
});
