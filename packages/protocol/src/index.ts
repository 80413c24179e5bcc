export * from './codec';
export * from './messages';
export * from './samples';
export * from './serial';
