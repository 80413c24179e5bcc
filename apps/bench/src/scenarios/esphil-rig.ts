/** A sim bench plus esphil clients, as every scenario starts them. */
import { connect, type DeviceClient } from '@esphil/client';
import { type SimBench, startSimBench } from '@esphil/sim';

/**
 * The sim takes at most 16 clients by config (device-model CONFIG_LIMITS.maxClients, the firmware build flag)
 * and 64 by the `client-limit` fault; a config above 16 hangs the sim (see BENCHMARKS.md). For more clients
 * the bench raises the limit on the DUT's WebSocket server instance, which only sizes its slot table.
 */
export async function startSim(clients: number, latency: 'zero' | 'wifi' = 'zero'): Promise<SimBench> {
  const bench = await startSimBench({
    latency,
    faults: clients > 5 ? [`client-limit:${Math.min(64, clients)}`] : [],
  });
  if (clients > 64) {
    const dut = bench.dut as unknown as { ws: { maxClients: number } };
    dut.ws.maxClients = clients;
  }
  return bench;
}

export async function connectMany(url: string, n: number): Promise<DeviceClient[]> {
  const out: DeviceClient[] = [];
  // One at a time: the sim, like the firmware, hands out slots in accept order.
  for (let i = 0; i < n; i++) out.push(await connect(url, { reconnect: false }));
  return out;
}

export async function closeAll(clients: readonly DeviceClient[]): Promise<void> {
  await Promise.all(clients.map((c) => c.close()));
}
