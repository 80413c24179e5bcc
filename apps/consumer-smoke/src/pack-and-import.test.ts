import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSUMER_SOURCE } from './consumer-source';
import { NODE_APP_SOURCE } from './node-app-source';
import { readmeBlocks } from './readme-blocks';
import { createScratchProject, type ScratchProject } from './scratch-project';
import { type SimProcess, startSimProcess } from './sim-process';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const PUBLISHED: string[] = JSON.parse(
  readFileSync(new URL('../published-packages.json', import.meta.url), 'utf8'),
).packages;
const tsc = createRequire(join(repo, 'package.json')).resolve('typescript/bin/tsc');
const versionOf = (pkg: string): string =>
  JSON.parse(readFileSync(join(repo, 'node_modules', pkg, 'package.json'), 'utf8')).version as string;
const typesNodeVersion = versionOf('@types/node');
const nameOf = (dir: string): string =>
  JSON.parse(readFileSync(join(repo, dir, 'package.json'), 'utf8')).name as string;

describe('packed packages in a project outside the workspace', () => {
  let scratch: ScratchProject;
  let sim: SimProcess | undefined;
  const readmeFiles: string[] = [];

  beforeAll(async () => {
    scratch = createScratchProject(
      PUBLISHED.map((p) => join(repo, p)),
      // What an app using the README blocks depends on itself: vitest for HIL tests, a serialport stream.
      { '@types/node': typesNodeVersion, vitest: versionOf('vitest'), '@serialport/stream': '13.0.0' },
    );
    writeFileSync(join(scratch.dir, 'consumer.ts'), CONSUMER_SOURCE);
    writeFileSync(join(scratch.dir, 'node-app.mjs'), NODE_APP_SOURCE);
    for (const dir of PUBLISHED) {
      for (const block of readmeBlocks(join(repo, dir))) {
        writeFileSync(join(scratch.dir, block.file), block.source);
        readmeFiles.push(block.file);
      }
    }
    writeFileSync(
      join(scratch.dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          skipLibCheck: false,
          types: ['node'],
          outDir: 'out',
        },
        files: ['consumer.ts', ...readmeFiles],
      }),
    );
    sim = await startSimProcess(scratch.dir);
  });
  afterAll(async () => {
    await sim?.stop();
    scratch?.remove();
  });

  it('type-checks the consumer and every README usage block against the published .d.ts (NodeNext, no skipLibCheck) and runs', () => {
    // Every published package documents its usage in a ```ts block.
    for (const dir of PUBLISHED) expect(readmeBlocks(join(repo, dir)).length, dir).toBeGreaterThan(0);
    scratch.run(process.execPath, [tsc, '-p', '.']);
    const output = JSON.parse(scratch.run(process.execPath, ['out/consumer.js']));
    expect(output).toEqual({
      proto: 1,
      decoded: true,
      rejectedCode: 'bad_param',
      encoded: '{"id":7,"op":"led.set","led":"status","on":true}',
      warnings: ['pin.strapping'],
      errors: 0,
      ledOn: true,
      response: true,
      lines: 1,
      serialCode: 'port_missing',
      cp210x: true,
      clientError: 'not_connected',
      simLed: true,
      hilSuites: true,
      fwConfigCode: 'config.duplicate-key',
    });
  });

  it('a plain Node ESM app drives the esphil-sim bin over loopback', () => {
    const output = JSON.parse(scratch.run(process.execPath, ['node-app.mjs', sim!.url]));
    expect(output).toEqual({
      proto: true,
      on: true,
      mirror: true,
      board: 'esp32-doit-devkit-v1',
      refused: 'unknown_target',
      errors: 0,
    });
  });

  it('ships only built files, with types first in every exports entry and no workspace: ranges', () => {
    for (const dir of PUBLISHED) {
      const name = nameOf(dir);
      const manifest = JSON.parse(
        readFileSync(join(scratch.dir, 'node_modules', name, 'package.json'), 'utf8'),
      );
      for (const [entry, target] of Object.entries(manifest.exports as Record<string, unknown>)) {
        if (typeof target === 'string') continue; // JSON vectors: no types
        expect(Object.keys(target as object)[0], `${name} ${entry}`).toBe('types');
      }
      expect(manifest.exports['.'].types, name).toBe('./dist/index.d.ts');
      expect(JSON.stringify(manifest.dependencies ?? {}), name).not.toMatch(/workspace:/);
      expect(manifest.private, name).toBeUndefined();
    }
  });

  it('firmware-config runs through its bin with npx: exit codes, did-you-mean, and a closed stdout', async () => {
    const npx = (...args: string[]) => scratch.exec('npx', ['--no', 'firmware-config', ...args]);
    expect(npx('init', '--out', 'ok.json').status).toBe(0);
    const ok = npx('validate', 'ok.json');
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/ok\.json: valid/);
    const starter = JSON.parse(readFileSync(join(scratch.dir, 'ok.json'), 'utf8'));
    const { buttons, ...rest } = starter;
    writeFileSync(join(scratch.dir, 'typo.json'), JSON.stringify({ ...rest, buttns: buttons }));
    const typo = npx('validate', 'typo.json');
    expect(typo.status).toBe(1);
    expect(typo.stderr).toMatch(/did you mean 'buttons'\?/);
    expect(npx('frobnicate').status).toBe(2);
    // `validate ok.json | head -1`: the reader is gone before the first write; no EPIPE crash, exit 0.
    const bin = join(scratch.dir, 'node_modules/.bin/firmware-config');
    const child = spawn(bin, ['validate', 'ok.json'], {
      cwd: scratch.dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += String(d);
    });
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});

describe('firmware-config from the repo root', () => {
  it('pnpm exec firmware-config finds the bin the root links', () => {
    const r = spawnSync('pnpm', ['exec', 'firmware-config', '--help'], { cwd: repo, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Usage: firmware-config <command>/);
  });
});
