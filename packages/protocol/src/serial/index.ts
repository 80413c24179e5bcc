export * from './format';
export * from './framer';
export * from './improv';
export type { MachineLineError, MachineLineResult } from './machine-line';
