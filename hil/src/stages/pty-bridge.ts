import { type ChildProcess, spawn } from 'node:child_process';
import { SerialPortStream } from '@serialport/stream';
import { HilError } from '../errors';
import type { AnyBinding } from '../probe/monitor';
import { killGroup } from './kill-group';

/** Longest wait for socat to report its two pseudo-terminals. */
export const PTY_START_TIMEOUT_MS = 3000;

export interface PtyBridge {
  /** The pseudo-terminal the runner opens with the native binding. */
  path: string;
  close(): Promise<void>;
}

/**
 * Exposes one port of an in-process binding (the sim's virtual one) as a real pseudo-terminal: socat makes a pty
 * pair, this side opens one end natively and pumps bytes to and from the virtual port; the runner opens the other
 * end with the native serialport binding, exactly as it would a USB adapter. DTR/RTS cannot cross a pty (ioctl
 * fails), so benches using this reset the sim in-process (reset "sim").
 */
export async function bridgeToPty(opts: {
  binding: AnyBinding;
  path: string;
  native: AnyBinding;
  baudRate: number;
}): Promise<PtyBridge> {
  let socat: ChildProcess;
  try {
    // Its own process group, killed as a group: an aborted run leaves no socat behind.
    socat = spawn('socat', ['-d', '-d', 'pty,raw,echo=0', 'pty,raw,echo=0'], {
      stdio: ['ignore', 'ignore', 'pipe'],
      detached: true,
    });
  } catch (e) {
    throw new HilError(
      'port_missing',
      `cannot start socat: ${(e as Error).message}`,
      'install socat (apt-get install socat) for the pty bench',
    );
  }
  try {
    return await openBridge(socat, opts);
  } catch (e) {
    await killGroup(socat);
    throw e;
  }
}

async function openBridge(
  socat: ChildProcess,
  opts: { binding: AnyBinding; path: string; native: AnyBinding; baudRate: number },
): Promise<PtyBridge> {
  const ptys = await new Promise<string[]>((resolve, reject) => {
    const found: string[] = [];
    let buf = '';
    const timer = setTimeout(
      () =>
        reject(
          new HilError(
            'port_missing',
            'socat did not open two pseudo-terminals',
            'check socat works: socat -d -d pty pty',
          ),
        ),
      PTY_START_TIMEOUT_MS,
    );
    socat.on('error', (e) => {
      clearTimeout(timer);
      reject(
        new HilError(
          'port_missing',
          `socat is not available: ${e.message}`,
          'install socat (apt-get install socat) for the pty bench',
        ),
      );
    });
    socat.stderr?.on('data', (d: Buffer) => {
      buf += d.toString();
      for (const m of buf.matchAll(/PTY is (\S+)/g)) if (m[1] && !found.includes(m[1])) found.push(m[1]);
      if (found.length >= 2) {
        clearTimeout(timer);
        resolve(found);
      }
    });
  });
  const [simSide, runnerSide] = ptys as [string, string];
  const open = async (binding: AnyBinding, path: string) => {
    const s = new SerialPortStream({ binding, path, baudRate: opts.baudRate, autoOpen: false });
    await new Promise<void>((res, rej) => s.open((e) => (e ? rej(e) : res())));
    return s;
  };
  const virt = await open(opts.binding, opts.path);
  const pty = await open(opts.native, simSide).catch(async (e: unknown) => {
    await new Promise<void>((r) => virt.close(() => r()));
    throw e;
  });
  virt.on('data', (d: Buffer) => pty.write(d));
  pty.on('data', (d: Buffer) => virt.write(d));
  return {
    path: runnerSide,
    async close() {
      for (const s of [pty, virt]) if (s.isOpen) await new Promise<void>((r) => s.close(() => r()));
      await killGroup(socat);
    },
  };
}
