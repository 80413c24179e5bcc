import { connect, type DeviceClient } from '@esphil/client';
import { pwmFraction } from '@esphil/device-model';
import type { DutCapability } from './capabilities';
import type { DutAdapter, DutIo } from './types';

/** What the esphil firmware does (PROTOCOL.md); `auth` only when the bench has the token it was built with. */
const ESPHIL_CAPABILITIES: readonly DutCapability[] = [
  'esphil',
  'led.set',
  'pwm',
  'buttons',
  'sensor',
  'state',
  'broadcast',
  'legacy-text',
  'reboot',
  'serial.requests',
  'improv',
  'reset',
];

/** The esphil DeviceClient seen as a DutIo (what suites written for any firmware call). */
export function esphilIo(client: DeviceClient, opts: { ownsClient: boolean }): DutIo {
  return {
    async ledSet(led, on) {
      await client.ledSet(led, on);
    },
    async pwmSet(ch, fraction) {
      const set = await client.pwmSet(ch, { duty: fraction });
      return pwmFraction(set.duty, set.bits);
    },
    async readState() {
      const s = await client.getState();
      const pwm: Record<string, number> = {};
      for (const [name, p] of Object.entries(s.pwm)) pwm[name] = pwmFraction(p.duty, p.bits);
      return { leds: { ...s.leds }, pwm };
    },
    // Inside a run the connect stage owns the primary client and closes it on cleanup.
    close: () => (opts.ownsClient ? client.close() : Promise.resolve()),
  };
}

/** The default adapter: firmware speaking the esphil protocol (`@esphil` ready line, JSON over WebSocket). */
export const esphilAdapter: DutAdapter = {
  name: 'esphil',
  capabilities: (bench) => ESPHIL_CAPABILITIES.concat(bench.dut.token ? ['auth'] : []),
  ready: 'esphil',
  async connect(o) {
    const client = await connect(o.url, {
      timeoutMs: o.timeoutMs,
      requestTimeoutMs: o.requestTimeoutMs,
      ...(o.token ? { token: o.token } : {}),
      WebSocket: o.WebSocket as never,
    });
    return esphilIo(client, { ownsClient: true });
  },
};
