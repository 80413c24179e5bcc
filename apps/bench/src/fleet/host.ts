/**
 * Where the fleet's devices live: child processes (the real scenario: the client process must not share a
 * CPU budget with its devices' event loop) or this process (the smoke test).
 */
import { type ChildProcess, fork } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { startLocalDevices } from './devices';
import { type SendLog, takeSendLog } from './send-log';

export interface HostReport {
  sends: SendLog;
  /** CPU ms the device side spent since mark() (user + system). */
  cpuMs: number;
  /** The device process's event-loop delay p99 since mark() (ms); null in-process. */
  loopDelayP99Ms: number | null;
}

export interface DeviceHost {
  urls: string[];
  mark(): Promise<void>;
  collect(): Promise<HostReport>;
  close(): Promise<void>;
}

export type WorkerRequest = { type: 'mark' } | { type: 'collect' } | { type: 'close' };
export type WorkerReply =
  | { type: 'ready'; urls: string[] }
  | { type: 'marked' }
  | { type: 'report'; report: HostReport }
  | { type: 'error'; message: string };

function cpuMs(u: NodeJS.CpuUsage): number {
  return (u.user + u.system) / 1000;
}

export async function inProcessHost(count: number): Promise<DeviceHost> {
  const devices = await startLocalDevices(count);
  return {
    urls: devices.urls,
    async mark() {
      takeSendLog();
    },
    // In-process the device CPU cannot be told apart from the client's: reported as 0 and said so.
    async collect() {
      return { sends: takeSendLog(), cpuMs: 0, loopDelayP99Ms: null };
    },
    close: () => devices.close(),
  };
}

function ask(child: ChildProcess, req: WorkerRequest, want: WorkerReply['type']): Promise<WorkerReply> {
  return new Promise((resolve, reject) => {
    const onMsg = (m: WorkerReply): void => {
      if (m.type === 'error') reject(new Error(`fleet worker: ${m.message}`));
      else if (m.type === want) resolve(m);
      else return;
      child.off('message', onMsg);
    };
    child.on('message', onMsg);
    child.send(req);
  });
}

/** Forks `node <workerPath> <count>` and waits for its device URLs. */
export async function forkHost(workerPath: string, count: number): Promise<DeviceHost> {
  const child = fork(workerPath, [String(count)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ready = await new Promise<WorkerReply>((resolve, reject) => {
    child.once('message', (m: WorkerReply) =>
      m.type === 'error' ? reject(new Error(m.message)) : resolve(m),
    );
    child.once('exit', (code) => reject(new Error(`fleet worker exited with ${code} before it was ready`)));
  });
  if (ready.type !== 'ready') throw new Error(`fleet worker: unexpected ${ready.type}`);
  return {
    urls: ready.urls,
    async mark() {
      await ask(child, { type: 'mark' }, 'marked');
    },
    async collect() {
      const r = await ask(child, { type: 'collect' }, 'report');
      if (r.type !== 'report') throw new Error('fleet worker: no report');
      return r.report;
    },
    async close() {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.send({ type: 'close' });
      await exited;
    },
  };
}

/** The worker side (src/fleet-worker.ts). */
export async function serveWorker(count: number): Promise<void> {
  const send = (m: WorkerReply): void => {
    process.send?.(m);
  };
  try {
    const devices = await startLocalDevices(count);
    let base = process.cpuUsage();
    const delay = monitorEventLoopDelay({ resolution: 10 });
    process.on('message', (m: WorkerRequest) => {
      if (m.type === 'mark') {
        takeSendLog();
        base = process.cpuUsage();
        delay.reset();
        delay.enable();
        send({ type: 'marked' });
      } else if (m.type === 'collect') {
        delay.disable();
        send({
          type: 'report',
          report: {
            sends: takeSendLog(),
            cpuMs: cpuMs(process.cpuUsage(base)),
            loopDelayP99Ms: delay.percentile(99) / 1e6,
          },
        });
      } else if (m.type === 'close') {
        void devices.close().then(() => process.exit(0));
      }
    });
    send({ type: 'ready', urls: devices.urls });
  } catch (err) {
    send({ type: 'error', message: err instanceof Error ? err.message : String(err) });
    process.exit(1);
  }
}
