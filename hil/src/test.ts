/**
 * What HIL suite files import: the fixtures (`hilTest`) plus the whole Node API. Only for files that vitest runs
 * (`hil run` loads them); apps that drive the runner import '@esphil/hil', which does not load vitest.
 */

export { needs } from './dut/needs';
export { BenchFixture, hilTest } from './fixtures';
export * from './index';
