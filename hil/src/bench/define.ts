import type { BenchFile } from './types';

/** Typed helper for bench files written in TypeScript (`hil.bench.ts`): returns its argument. */
export function defineBench(bench: BenchFile): BenchFile {
  return bench;
}
