/** Many bare simulated DUTs (VirtualEsp32 with the TS backend, no probe) in this process. */
import { DEFAULT_SIM_CONFIG, tsBackendFactory, VirtualEsp32 } from '@esphil/sim';
import { installSendLog } from './send-log';

export interface LocalDevices {
  urls: string[];
  close(): Promise<void>;
}

export async function startLocalDevices(count: number): Promise<LocalDevices> {
  installSendLog();
  const duts: VirtualEsp32[] = [];
  for (let i = 0; i < count; i++) {
    const dut = new VirtualEsp32({
      config: DEFAULT_SIM_CONFIG,
      backend: tsBackendFactory,
      latency: 'zero',
      seed: i + 1,
    });
    await dut.start();
    duts.push(dut);
  }
  return {
    urls: duts.map((d) => d.url),
    async close() {
      await Promise.all(duts.map((d) => d.close()));
    },
  };
}
