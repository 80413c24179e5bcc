import { readFile, stat } from 'node:fs/promises';
import { dirname, extname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { HilError } from '../errors';
import { MAX_BENCH_FILE_BYTES } from './defaults';
import type { ResolvedBench } from './types';
import { formatIssues, resolveBench } from './validate';

export interface LoadBenchOptions {
  maxBytes?: number;
}

/** Reads, parses (JSON or YAML by extension) and validates a bench file; throws HilError('bench_invalid') with every issue. */
export async function loadBench(file: string, opts: LoadBenchOptions = {}): Promise<ResolvedBench> {
  const path = resolve(file);
  const maxBytes = opts.maxBytes ?? MAX_BENCH_FILE_BYTES;
  const text = await readLimited(path, maxBytes, 'bench file');
  const parsed = parseText(text, path);
  const dir = dirname(path);
  let loadedDevice: unknown;
  if (parsed && typeof parsed === 'object' && typeof (parsed as { device?: unknown }).device === 'string') {
    const devPath = resolve(dir, (parsed as { device: string }).device);
    loadedDevice = parseText(await readLimited(devPath, maxBytes, 'device config'), devPath);
  }
  const { bench, issues } = resolveBench(parsed, { file: path, dir, loadedDevice });
  if (!bench)
    throw new HilError('bench_invalid', formatIssues(issues, path), 'fix the listed keys and run again');
  return bench;
}

async function readLimited(path: string, maxBytes: number, what: string): Promise<string> {
  let size: number;
  try {
    const st = await stat(path);
    // A FIFO or a device (/dev/zero) would hang or stream for ever: only a regular file is a bench description.
    if (!st.isFile()) {
      throw new HilError(
        'bench_invalid',
        `${what} ${path} is not a regular file`,
        'point at the bench file itself (not a folder, pipe or device)',
      );
    }
    size = st.size;
  } catch (e) {
    if (e instanceof HilError) throw e;
    throw new HilError(
      'bench_not_found',
      `${what} ${path} does not exist`,
      'check the path (benches ship in hil/benches/)',
    );
  }
  if (size > maxBytes) {
    throw new HilError(
      'bench_invalid',
      `${what} ${path} is ${size} bytes (limit ${maxBytes})`,
      'point at the bench description, not a data file',
    );
  }
  return readFile(path, 'utf8');
}

function parseText(text: string, path: string): unknown {
  const ext = extname(path).toLowerCase();
  try {
    return ext === '.yaml' || ext === '.yml' ? parseYaml(text) : JSON.parse(text);
  } catch (e) {
    throw new HilError(
      'bench_invalid',
      `${path} is not valid ${ext === '.json' ? 'JSON' : 'YAML'}: ${e instanceof Error ? e.message : String(e)}`,
      'fix the syntax at the position given',
    );
  }
}
