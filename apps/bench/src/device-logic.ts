/**
 * The sim's own device logic (TsBackend over device-model) without its WebSocket transport, so the MQTT and
 * HTTP baselines run the same command handling as the esphil path and only the transport differs.
 */
import type { DeviceStateSnapshot } from '@esphil/protocol';
import { createTsBackend, DEFAULT_SIM_CONFIG, type DeviceBackend } from '@esphil/sim';

type StepContext = Parameters<DeviceBackend['handleFrame']>[2];

export interface DeviceLogic {
  /** A request frame in, the response frame out (null when the device would not answer). */
  handle(text: string): Promise<string | null>;
  snapshot(): Promise<DeviceStateSnapshot>;
  close(): Promise<void>;
}

const IDENTITY = { fw: 'bench', board: DEFAULT_SIM_CONFIG.board, device: 'bench-0', boot: 'b0' };

export async function startDeviceLogic(): Promise<DeviceLogic> {
  const backend = createTsBackend();
  await backend.start(DEFAULT_SIM_CONFIG, IDENTITY);
  const started = performance.now();
  const ctx = (): StepContext => ({
    from: { kind: 'ws', client: 0 },
    nowMs: Date.now(),
    uptimeMs: Math.round(performance.now() - started),
    identity: IDENTITY,
    clients: 1,
    ip: '127.0.0.1',
    rssi: -50,
    heapFree: 200_000,
  });
  return {
    async handle(text) {
      const c = ctx();
      const out = await backend.handleFrame(text, c.from, c);
      return out.reply;
    },
    snapshot: () => backend.snapshot(),
    close: () => backend.close(),
  };
}
