/**
 * Exposes a virtual serial device as a real pseudo-terminal, so tools that only speak to device files
 * (the native serialport binding, screen, miniterm, johnny-five on a path) reach the simulation.
 * socat owns the pty and bridges it to a loopback TCP socket; on our side that socket is piped into a
 * SerialPortStream on the virtual binding. `wait-slave` makes socat connect only when a program opens the
 * pty, so the virtual port opens and closes with the real one (the probe's open-reset included); socat
 * exits when that program closes it, and a fresh socat takes over the same link path.
 * DTR/RTS do not cross a pty (Linux answers set() with "Inappropriate ioctl for device").
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { SerialPortStream } from '@serialport/stream';
import type { VirtualBinding } from './binding/virtual-binding';
import { SimError } from './errors';

/** How long to wait for socat to create the pty before giving up. */
export const PTY_START_TIMEOUT_MS = 5_000;
/** Pause before restarting a socat that exited, so a failing socat cannot spin. */
export const PTY_RESPAWN_DELAY_MS = 50;

export function findSocat(pathEnv: string = process.env.PATH ?? ''): string | null {
  for (const dir of pathEnv.split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, 'socat');
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return null;
}

export function requireSocat(): string {
  const socat = findSocat();
  if (!socat) {
    throw new SimError(
      'socat_missing',
      'socat is not installed (needed for --pty / pseudo-terminals): install it, e.g. `apt-get install socat`',
    );
  }
  return socat;
}

export interface PtyBridgeOptions {
  binding: VirtualBinding;
  /** Virtual port path on the binding, e.g. '/sim/dut'. */
  devicePath: string;
  /** Where the pty's symlink goes (stable across socat restarts). */
  linkPath: string;
  baudRate: number;
}

export interface PtyBridge {
  /** Stable symlink to the current pty. */
  linkPath: string;
  /** The /dev/pts/N the link pointed to when the bridge started. */
  ptyPath: string;
  close(): Promise<void>;
}

export async function startPtyBridge(opts: PtyBridgeOptions): Promise<PtyBridge> {
  const socat = requireSocat();
  const server: Server = createServer((socket) => pipeToDevice(socket, opts));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  let closed = false;
  let child: ChildProcess | null = null;
  const sockets = new Set<Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  const launch = (): Promise<string> =>
    new Promise((resolve, reject) => {
      const args = ['-d', '-d', `PTY,raw,echo=0,wait-slave,link=${opts.linkPath}`, `TCP:127.0.0.1:${port}`];
      const proc = spawn(socat, args, { stdio: ['ignore', 'ignore', 'pipe'] });
      child = proc;
      let err = '';
      let settled = false;
      const timer = setTimeout(() => {
        if (settled) return;
        settled = true;
        reject(
          new SimError(
            'socat_missing',
            `socat did not create a pty within ${PTY_START_TIMEOUT_MS} ms: ${err}`,
          ),
        );
      }, PTY_START_TIMEOUT_MS);
      proc.stderr?.on('data', (d: Buffer) => {
        err += d.toString();
        const m = err.match(/PTY is (\/dev\/pts\/\d+)/);
        if (m && !settled) {
          settled = true;
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
      proc.on('error', (e) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(new SimError('socat_missing', `cannot run socat: ${e.message}`));
      });
      proc.on('exit', () => {
        if (child === proc) child = null;
        if (!settled) {
          settled = true;
          clearTimeout(timer);
          reject(new SimError('socat_missing', `socat exited before creating a pty: ${err.trim()}`));
          return;
        }
        if (closed) return;
        // The program on the pty closed it: a fresh socat takes over the same link path.
        setTimeout(() => {
          if (!closed) launch().catch(() => {});
        }, PTY_RESPAWN_DELAY_MS);
      });
    });

  let ptyPath: string;
  try {
    ptyPath = await launch();
  } catch (e) {
    closed = true;
    server.close();
    throw e;
  }
  return {
    linkPath: opts.linkPath,
    ptyPath,
    async close() {
      if (closed) return;
      closed = true;
      const proc = child as ChildProcess | null;
      if (proc && proc.exitCode === null) {
        const exited = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGTERM');
        await exited;
      }
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

function pipeToDevice(socket: Socket, opts: PtyBridgeOptions): void {
  const port = new SerialPortStream({
    binding: opts.binding,
    path: opts.devicePath,
    baudRate: opts.baudRate,
    autoOpen: false,
  });
  // Bytes the program writes before the virtual port is open are held, not lost.
  let early: Buffer[] | null = [];
  const done = (): void => {
    socket.destroy();
    if (port.isOpen) port.close(() => {});
  };
  socket.on('error', done);
  socket.on('close', done);
  port.on('error', done);
  socket.on('data', (d: Buffer) => {
    if (early) early.push(d);
    else port.write(d);
  });
  port.on('data', (d: Buffer) => socket.write(d));
  port.open((err) => {
    if (err) {
      done();
      return;
    }
    for (const d of early ?? []) port.write(d);
    early = null;
  });
}

/** A private directory for pty links; removed by the returned cleanup. */
export function makePtyDir(): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'esphil-sim-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Resolves a link to its /dev/pts target, or returns it unchanged. */
export function ptyTarget(link: string): string {
  return existsSync(link) ? realpathSync(link) : link;
}
