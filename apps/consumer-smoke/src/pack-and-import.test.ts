import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { CONSUMER_SOURCE } from './consumer-source';
import { createScratchProject, type ScratchProject } from './scratch-project';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const PUBLIC_PACKAGES = [
  'packages/protocol',
  'packages/device-model',
  'packages/serial',
  'packages/client',
  'packages/sim',
];
const tsc = createRequire(join(repo, 'package.json')).resolve('typescript/bin/tsc');
const typesNodeVersion: string = JSON.parse(
  readFileSync(join(repo, 'node_modules/@types/node/package.json'), 'utf8'),
).version;

describe('packed packages in a project outside the workspace', () => {
  let scratch: ScratchProject;

  beforeAll(() => {
    scratch = createScratchProject(
      PUBLIC_PACKAGES.map((p) => join(repo, p)),
      { '@types/node': typesNodeVersion },
    );
    writeFileSync(join(scratch.dir, 'consumer.ts'), CONSUMER_SOURCE);
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
        files: ['consumer.ts'],
      }),
    );
  });

  it('type-checks against the published .d.ts files (NodeNext, no skipLibCheck) and runs', () => {
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
    });
  });

  it('ships only built files, with types first in every exports entry', () => {
    for (const dir of PUBLIC_PACKAGES) {
      const name = `@esphil/${dir.split('/')[1]}`;
      const manifest = JSON.parse(
        readFileSync(join(scratch.dir, 'node_modules', name, 'package.json'), 'utf8'),
      );
      const root = manifest.exports['.'];
      expect(Object.keys(root)[0], name).toBe('types');
      expect(root.types, name).toBe('./dist/index.d.ts');
      expect(manifest.dependencies?.['@esphil/protocol'] ?? '0.1.0', name).not.toMatch(/workspace:/);
    }
  });
});
