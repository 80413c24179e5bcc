#!/usr/bin/env node
// `pnpm pack:packages [dest]`: tarballs of every published package in `dest` (default ./packed at the repo
// root), for installing into an app before anything is on npm (README: "Use the packages in your app").
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { packageDir, packInto, publishedPackages, repo } from './pack.mjs';

const dest = resolve(repo, process.argv[2] ?? 'packed');
rmSync(dest, { recursive: true, force: true });
for (const dir of publishedPackages)
  process.stdout.write(`${resolve(dest, packInto(packageDir(dir), dest))}\n`);
