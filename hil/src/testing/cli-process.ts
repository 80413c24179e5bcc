import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { sourceAliases } from '../../../vitest.shared';

/** The `hil` CLI from source as a real child process (its own signals, stdout, exit code). */
export function spawnCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const data = { root, aliases: sourceAliases, entry: fileURLToPath(new URL('../cli.ts', import.meta.url)) };
  return spawn(process.execPath, [fileURLToPath(new URL('./cli-launcher.mjs', import.meta.url)), ...args], {
    cwd: root,
    env: { ...process.env, ...env, ESPHIL_CLI: JSON.stringify(data) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}
