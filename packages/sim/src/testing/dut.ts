/** Test helper: a started VirtualEsp32 on an ephemeral loopback port with its console captured. */
import { type DeviceConfig, starterConfig } from '@esphil/device-model';
import { PinBank } from '../dut/pins';
import { tsBackendFactory } from '../dut/ts-backend';
import { VirtualEsp32, type VirtualEsp32Options } from '../dut/virtual-esp32';

export interface DutHarness {
  dut: VirtualEsp32;
  pins: PinBank;
  /** Everything the DUT printed so far (latin1, so noise bytes survive one-to-one). */
  console(): string;
  /** Resolves once the console (from `from` on) matches. */
  waitConsole(re: RegExp, from?: number): Promise<RegExpMatchArray>;
  consoleLength(): number;
  close(): Promise<void>;
}

export const TEST_CONFIG: DeviceConfig = starterConfig('esp32-doit-devkit-v1');

export async function startDut(opts: Partial<VirtualEsp32Options> = {}): Promise<DutHarness> {
  const pins = (opts.pins as PinBank | undefined) ?? new PinBank();
  const dut = new VirtualEsp32({
    config: TEST_CONFIG,
    // Backend mode with the TS backend unless the test gives a device body.
    ...(opts.body ? {} : { backend: tsBackendFactory }),
    heartbeat: false,
    latency: 'zero',
    ...opts,
    pins,
  });
  let out = '';
  const waiters = new Set<() => void>();
  dut.on('serial', (b) => {
    out += Buffer.from(b).toString('latin1');
    for (const w of [...waiters]) w();
  });
  await dut.start();
  return {
    dut,
    pins,
    console: () => out,
    consoleLength: () => out.length,
    waitConsole(re, from = 0) {
      return new Promise((resolve) => {
        const check = (): boolean => {
          const m = out.slice(from).match(re);
          if (m) {
            waiters.delete(check as () => void);
            resolve(m);
          }
          return !!m;
        };
        if (!check()) waiters.add(check as () => void);
      });
    },
    close: () => dut.close(),
  };
}
