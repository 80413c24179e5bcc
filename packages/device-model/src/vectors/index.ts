export { mismatch, NUMBER_TOLERANCE, present } from './match';
export type { Vector, VectorExpect, VectorFile, VectorStep } from './run';
export { runVector } from './run';
