import { createHash } from 'node:crypto';

/** Hex MD5 of a file, what esptool-js compares against the loader's SPI_FLASH_MD5 answer. */
export function md5Hex(data: Uint8Array): string {
  return createHash('md5').update(data).digest('hex');
}
