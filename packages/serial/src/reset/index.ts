export * from './attempt';
export * from './reopen';
export * from './sequences';
export * from './strategy';
