import { pathToFileURL } from 'node:url';
import type { ResolvedBench } from '../bench/types';
import { errorMessage, HilError } from '../errors';
import { DUT_CAPABILITY_NAMES, type DutCapability, isDutCapability } from './capabilities';
import { esphilAdapter } from './esphil';
import { tutorialAdapter } from './tutorial';
import type { DutAdapter } from './types';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null;

/** Every problem with a value that should be a DutAdapter (empty: it is one). */
export function adapterProblems(v: unknown): string[] {
  if (!isObj(v)) return ['it is not an object (export default defineDutAdapter({ ... }))'];
  const out: string[] = [];
  if (typeof v.name !== 'string' || v.name === '') out.push('"name" must be a non-empty string');
  if (typeof v.connect !== 'function') out.push('"connect" must be a function (opts) => Promise<DutIo>');
  const caps = v.capabilities;
  if (Array.isArray(caps)) {
    const bad = caps.filter((c) => !isDutCapability(c));
    if (bad.length > 0)
      out.push(
        `unknown capabilities ${bad.map((c) => JSON.stringify(c)).join(', ')} (known: ${DUT_CAPABILITY_NAMES.join(', ')})`,
      );
    if (caps.includes('esphil')) out.push('"esphil" is the built-in adapter\'s: drop dut.adapter to use it');
  } else if (typeof caps !== 'function') out.push('"capabilities" must be an array of capability names');
  const ready = v.ready;
  if (ready !== 'esphil') {
    if (!isObj(ready) || !(ready.pattern instanceof RegExp || typeof ready.pattern === 'string'))
      out.push('"ready" must be { pattern: RegExp | string, url?(match, lines) } or "esphil"');
    else if (ready.url !== undefined && typeof ready.url !== 'function')
      out.push('"ready.url" must be a function (match, lines) => string | null');
  }
  return out;
}

/** A connected DUT's io lacking a method its declared capabilities need. */
export function ioProblems(io: unknown, caps: ReadonlySet<DutCapability>): string[] {
  if (!isObj(io)) return ['connect() did not resolve with an object'];
  const need: [string, boolean][] = [
    ['ledSet', caps.has('led.set')],
    ['pwmSet', caps.has('pwm')],
    ['readState', caps.has('state')],
    ['close', true],
  ];
  return need
    .filter(([m, needed]) => needed && typeof io[m] !== 'function')
    .map(([m]) =>
      `the io has no ${m}() ${m === 'close' ? '' : 'but the adapter declares what needs it'}`.trim(),
    );
}

async function importAdapter(file: string): Promise<DutAdapter> {
  let mod: Obj;
  try {
    mod = (await import(pathToFileURL(file).href)) as Obj;
  } catch (e) {
    throw new HilError(
      'adapter_invalid',
      `the DUT adapter module ${file} did not load: ${errorMessage(e)}`,
      'check dut.adapter (relative to the bench file) and that the module runs in Node (.mjs / .js)',
    );
  }
  const value = mod.default ?? mod.adapter;
  const problems = adapterProblems(value);
  if (problems.length > 0) {
    throw new HilError(
      'adapter_invalid',
      `the DUT adapter ${file} is not a DutAdapter: ${problems.join('; ')}`,
      'export it as the default export: `export default defineDutAdapter({ name, capabilities, ready, connect })` (hil/README.md, "Any firmware under test")',
    );
  }
  return value as unknown as DutAdapter;
}

/** The bench's adapter: built-in or its module, with the bench's `dut.ready` pattern in place of the adapter's. */
export async function adapterForBench(bench: ResolvedBench): Promise<DutAdapter> {
  const { protocol, adapter: file, ready } = bench.dut;
  const base =
    protocol === 'esphil'
      ? esphilAdapter
      : protocol === 'tutorial'
        ? tutorialAdapter
        : await importAdapter(file!);
  if (ready === null) return base;
  if (base.ready === 'esphil')
    throw new HilError(
      'bench_invalid',
      `dut.ready: the adapter ${base.name} waits for the esphil ready line`,
      'remove dut.ready from the bench file',
    );
  return { ...base, ready: { ...base.ready, pattern: ready } };
}

export function capabilitiesOf(adapter: DutAdapter, bench: ResolvedBench): ReadonlySet<DutCapability> {
  const list =
    typeof adapter.capabilities === 'function' ? adapter.capabilities(bench) : adapter.capabilities;
  return new Set(list.filter(isDutCapability));
}
