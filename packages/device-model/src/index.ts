export type * from './config/types';
export type * from './state/types';
export type * from './wiring/types';
