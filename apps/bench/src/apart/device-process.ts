/**
 * Devices in a process of their own, as a real board is: the raw ws echo, the stub device and a sim, all in
 * one child (`dist/rtt-device-worker.mjs`), so their CPU work no longer adds to the client's on a shared core.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { startEchoServer } from '../baselines/raw-ws';
import { startStubDevice } from '../baselines/stub-device';
import { startSim } from '../scenarios/esphil-rig';

export interface ApartUrls {
  echo: string;
  stub: string;
  sim: string;
}

type WorkerReply = { type: 'ready'; urls: ApartUrls } | { type: 'error'; message: string };

export interface DeviceProcess {
  urls: ApartUrls;
  close(): Promise<void>;
}

export async function forkDeviceProcess(workerPath: string): Promise<DeviceProcess> {
  const child: ChildProcess = fork(workerPath, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const urls = await new Promise<ApartUrls>((resolve, reject) => {
    child.once('message', (m: WorkerReply) =>
      m.type === 'ready' ? resolve(m.urls) : reject(new Error(`device worker: ${m.message}`)),
    );
    child.once('exit', (code) => reject(new Error(`device worker exited with ${code} before it was ready`)));
  });
  return {
    urls,
    close() {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.send('close');
      return exited;
    },
  };
}

/** The same devices in this process: the smoke test's stand-in for the child (it runs from source). */
export async function startDevicesHere(): Promise<DeviceProcess> {
  const echo = await startEchoServer();
  const stub = await startStubDevice();
  const sim = await startSim(1);
  return {
    urls: { echo: echo.url, stub: stub.url, sim: sim.url },
    async close() {
      await Promise.all([echo.close(), stub.close(), sim.close()]);
    },
  };
}

/** The worker side (src/rtt-device-worker.ts). */
export async function serveDevices(): Promise<void> {
  try {
    const devices = await startDevicesHere();
    process.on('message', (m) => {
      if (m !== 'close') return;
      void devices.close().finally(() => process.exit(0));
    });
    process.send?.({ type: 'ready', urls: devices.urls } satisfies WorkerReply);
  } catch (err) {
    process.send?.({
      type: 'error',
      message: err instanceof Error ? err.message : String(err),
    } satisfies WorkerReply);
    process.exit(1);
  }
}
