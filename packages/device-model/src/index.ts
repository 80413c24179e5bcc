export * from './boards';
export { deriveCapabilities } from './capabilities';
export * from './config';
export type * from './config/types';
export * from './ledc';
export * from './state';
export type * from './state/types';
export * from './vectors';
export * from './wiring';
