// Builds a throwaway consumer project outside the workspace from packed tarballs, the way a user's app would
// install @esphil packages from a registry.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ScratchProject {
  dir: string;
  /** Runs a command in the project; throws with its output unless it exits 0. */
  run(command: string, args: string[]): string;
  /** Runs a command in the project and returns its exit status and output, whatever the status. */
  exec(command: string, args: string[]): { status: number | null; stdout: string; stderr: string };
  remove(): void;
}

/** Packs each workspace package directory (already built) and installs the tarballs into a new scratch project. */
export function createScratchProject(
  packageDirs: string[],
  extraDependencies: Record<string, string>,
): ScratchProject {
  const dir = mkdtempSync(join(tmpdir(), 'esphil-consumer-'));
  try {
    return setUp(dir, packageDirs, extraDependencies);
  } catch (err) {
    // A failed pack or install leaves no project for the caller to remove.
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

function setUp(
  dir: string,
  packageDirs: string[],
  extraDependencies: Record<string, string>,
): ScratchProject {
  const run = (command: string, args: string[], cwd = dir) => {
    try {
      return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (err) {
      // Surface the tool's own output (tsc diagnostics, pnpm errors): the exit status alone says nothing.
      const { stdout = '', stderr = '' } = err as { stdout?: string; stderr?: string };
      throw new Error(`${command} ${args.join(' ')} failed in ${cwd}:\n${stdout}${stderr}`);
    }
  };

  const tarballs: Record<string, string> = {};
  for (const packageDir of packageDirs) {
    const before = new Set(readdirSync(dir));
    run('pnpm', ['pack', '--pack-destination', dir], packageDir);
    const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz') && !before.has(f));
    if (!tarball) throw new Error(`pnpm pack produced no tarball for ${packageDir}`);
    const name = `@esphil/${tarball.replace(/^esphil-/, '').replace(/-\d+\.\d+\.\d+\.tgz$/, '')}`;
    tarballs[name] = `file:./${tarball}`;
  }

  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify(
      {
        name: 'scratch-consumer',
        private: true,
        type: 'module',
        dependencies: { ...tarballs, ...extraDependencies },
      },
      null,
      2,
    ),
  );
  // Packed packages depend on each other by version (e.g. @esphil/protocol 0.1.0), which no registry serves:
  // point those at the tarballs, as a registry would.
  const overrides = Object.entries(tarballs)
    .map(([name, spec]) => `  '${name}': '${spec}'`)
    .join('\n');
  writeFileSync(
    join(dir, 'pnpm-workspace.yaml'),
    // johnny-five and firmata (via @esphil/sim and @esphil/hil) pull serialport 8, whose native build cannot run
    // here; the esphil packages hand them an IO on serialport 13 instead, as the workspace does.
    `overrides:\n${overrides}\n  'firmata>serialport': '-'\n  'johnny-five>serialport': '-'\n  'johnny-five>browser-serialport': '-'\nallowBuilds:\n  '@serialport/bindings-cpp': true\n`,
  );
  run('pnpm', ['install', '--prefer-offline']);
  return {
    dir,
    run: (command, args) => run(command, args),
    exec: (command, args) => {
      const r = spawnSync(command, args, { cwd: dir, encoding: 'utf8' });
      return { status: r.status, stdout: r.stdout, stderr: r.stderr };
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
