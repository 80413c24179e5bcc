export * from './catalog';
export * from './parse';
export * from './plan';
export type * from './types';
export * from './wiring';
