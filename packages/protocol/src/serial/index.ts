export * from './format';
export * from './framer';
export * from './improv';
