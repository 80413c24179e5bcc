export * from './app-image';
export * from './builder';
export * from './chips';
export * from './errors';
export { bytesEqual, crc32, md5, sha256, toHex } from './hash';
export * from './image-set';
export * from './otadata';
export * from './partition-table';
