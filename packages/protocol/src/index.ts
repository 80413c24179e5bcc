export * from './messages';
export * from './serial';
