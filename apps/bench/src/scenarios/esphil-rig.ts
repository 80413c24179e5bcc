/** A sim bench plus esphil clients, as every scenario starts them. */
import { connect, type DeviceClient } from '@esphil/client';
import { type SimBench, startSimBench } from '@esphil/sim';

/**
 * The firmware takes at most 16 clients by config (device-model CONFIG_LIMITS.maxClients) and 5 by its build flag
 * (WEBSOCKETS_SERVER_CLIENT_MAX); the push scenarios go past both, so the sim is sized for them explicitly.
 */
export async function startSim(clients: number, latency: 'zero' | 'wifi' = 'zero'): Promise<SimBench> {
  return startSimBench({ latency, ...(clients > 5 ? { maxClients: clients } : {}) });
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
