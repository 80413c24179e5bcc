import type { DutAdapter } from './types';

/** Typed helper for adapter modules (`export default defineDutAdapter({ ... })`): returns its argument. */
export function defineDutAdapter(adapter: DutAdapter): DutAdapter {
  return adapter;
}
