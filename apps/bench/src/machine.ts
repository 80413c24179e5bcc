/** What the numbers were measured on. */
import { cpus, loadavg, totalmem } from 'node:os';

export interface MachineInfo {
  nproc: number;
  cpuModel: string;
  memGiB: number;
  node: string;
  platform: string;
  /** 1-minute load average at the start of the run: other work on the machine shows up in the tails. */
  loadAvg1: number;
  date: string;
}

export function machineInfo(): MachineInfo {
  const c = cpus();
  return {
    nproc: c.length,
    cpuModel: c[0]?.model.trim() ?? 'unknown',
    memGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    loadAvg1: Math.round((loadavg()[0] ?? 0) * 100) / 100,
    date: new Date().toISOString(),
  };
}
