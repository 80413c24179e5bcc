#!/usr/bin/env node
// The `firmware-config` command. A committed file rather than dist/cli.js itself, so that pnpm can link the bin
// in the workspace before anything is built; it says so plainly when the build is missing.
import('../dist/cli.js').catch((err) => {
  if (err?.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/cli.js')) {
    process.stderr.write(
      'firmware-config: not built yet; run `pnpm build` (or `pnpm --filter @esphil/firmware-config build`) first\n',
    );
    process.exitCode = 1;
    return;
  }
  throw err;
});
