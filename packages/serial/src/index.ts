export * from './binding';
export * from './boot-log';
export * from './console';
export * from './errors';
export * from './improv-client';
export * from './list';
export * from './open';
export * from './reset';
