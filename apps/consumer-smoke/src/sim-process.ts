// The `esphil-sim` bin of the installed @esphil/sim tarball as a child process, the way an app's tests would run it.
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export interface SimProcess {
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts `esphil-sim --port 0 --http-port off --latency zero` from `projectDir` and waits for the JSON line with
 * its URL. No board page: its default port (8080) would clash between runs side by side.
 */
export function startSimProcess(projectDir: string): Promise<SimProcess> {
  const bin = join(projectDir, 'node_modules/.bin/esphil-sim');
  const child: ChildProcess = spawn(bin, ['--port', '0', '--http-port', 'off', '--latency', 'zero'], {
    cwd: projectDir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d) => {
    stderr += String(d);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => {
      try {
        resolve({ url: (JSON.parse(line) as { url: string }).url, stop });
      } catch {
        void stop().then(() => reject(new Error(`esphil-sim printed ${line}, not its JSON info line`)));
      }
    });
    child.once('exit', (code) =>
      reject(new Error(`esphil-sim exited with ${code} before its URL:\n${stderr}`)),
    );
  });
}
