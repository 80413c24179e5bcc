export * from './probe-side';
