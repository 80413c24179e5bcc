// VirtualEsp32 in body mode with the firmware itself (esphil-native in device mode) as its body: the firmware's own
// connection code answers real WebSocket clients on loopback, its own console is on the board's UART, and the board
// adds the chip's output, pins with their faults, link faults and latency, resets and crashes.
import { encodeImprovPacket, type ImprovRpcCommand } from '@esphil/protocol';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SimError } from '../../errors';
import { type DutHarness, startDut } from '../../testing/dut';
import { buildNativeForTest } from '../../testing/native-build';
import { expectRefused, openClient, type TestClient } from '../../testing/ws-client';
import { nativeDeviceBodyFactory } from '../body/native-body';
import { tsBackendFactory } from '../ts-backend';
import type { VirtualEsp32Options } from '../virtual-esp32';
import { VirtualEsp32 } from '../virtual-esp32';

let executable = '';
const open: { close(): Promise<void> }[] = [];

beforeAll(() => {
  executable = buildNativeForTest('sim-board');
}, 600_000);
afterEach(async () => {
  await Promise.all(open.splice(0).map((h) => h.close()));
});

async function board(opts: Partial<VirtualEsp32Options> = {}): Promise<DutHarness> {
  const h = await startDut({ body: nativeDeviceBodyFactory({ executable }), ...opts });
  open.push(h);
  return h;
}
async function client(url: string, opts: Parameters<typeof openClient>[1] = {}): Promise<TestClient> {
  const c = await openClient(url, opts);
  open.push(c);
  return c;
}

/** The machine lines (`@esphil {...}`) on the console, parsed. */
function machineLines(text: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const m of text.matchAll(/@esphil (\{[^\r\n]*\})\r\n/g))
    out.push(JSON.parse(m[1]!) as Record<string, unknown>);
  return out;
}

const rpc = (command: ImprovRpcCommand) => encodeImprovPacket({ type: 'rpc_command', rpc: command });

describe('VirtualEsp32 with the native firmware as its body', () => {
  it("boots: ROM banner from the board, then the firmware's boot, wifi and ready lines naming the real port", async () => {
    const h = await board();
    expect(h.dut.phase).toBe('running');
    expect(h.dut.bodyMode).toBe(true);
    const text = h.console();
    expect(text).toMatch(/rst:0x1 \(POWERON_RESET\)/);
    const lines = machineLines(text);
    expect(lines.find((l) => l.t === 'boot')).toMatchObject({
      t: 'boot',
      device: h.dut.deviceId,
      boot: h.dut.bootId,
      reason: 'poweron',
    });
    expect(lines.find((l) => l.t === 'wifi' && l.status === 'connected')).toBeTruthy();
    expect(lines.find((l) => l.t === 'ready')).toMatchObject({
      ip: '127.0.0.1',
      port: h.dut.port,
      url: `ws://127.0.0.1:${h.dut.port}/`,
    });
    expect(h.dut.wifiConnected).toBe(true);
    expect(h.dut.url).toBe(`ws://127.0.0.1:${h.dut.port}/`);
  });

  it('gives `backend` and `body` together a clear error', () => {
    expect(
      () =>
        new VirtualEsp32({
          config: { version: 1, board: 'esp32-doit-devkit-v1' },
          backend: tsBackendFactory,
          body: nativeDeviceBodyFactory({ executable }),
        }),
    ).toThrow(SimError);
  });
});
