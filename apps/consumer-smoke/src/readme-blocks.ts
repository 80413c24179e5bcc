// README usage blocks are compiled, not trusted: every ```ts block of a published package's README becomes a
// file of the scratch consumer project and goes through the same strict NodeNext type-check as the consumer.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ReadmeBlock {
  /** File name in the scratch project, e.g. `readme-client-1.ts`. */
  file: string;
  source: string;
}

export function readmeBlocks(packageDir: string): ReadmeBlock[] {
  const text = readFileSync(join(packageDir, 'README.md'), 'utf8');
  const name = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')).name.replace(
    '@esphil/',
    '',
  );
  const blocks = [...text.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1] ?? '');
  // `export {}` makes each block a module, so top-level await and equal names in two blocks are fine.
  return blocks.map((source, i) => ({ file: `readme-${name}-${i + 1}.ts`, source: `${source}export {};\n` }));
}
