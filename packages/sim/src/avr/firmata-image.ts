import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { AvrError } from './errors';
import { parseIntelHex } from './intel-hex';

/**
 * Where the default image comes from: the prebuilt Uno StandardFirmata (Firmata 2.4, version bytes F9 02 04)
 * that the npm package avrgirl-arduino ships as junk/hex/uno/StandardFirmata.cpp.hex (MIT package; Firmata
 * itself is LGPL-2.1, so the image is loaded from the installed package, never copied into this repository).
 */
export const DEFAULT_FIRMATA_PACKAGE = 'avrgirl-arduino';
export const DEFAULT_FIRMATA_HEX_PATH = 'junk/hex/uno/StandardFirmata.cpp.hex';

/** Path of the default StandardFirmata hex; AvrError `image_missing` when avrgirl-arduino is not installed. */
export function defaultFirmataHexPath(): string {
  try {
    const pkg = createRequire(import.meta.url).resolve(`${DEFAULT_FIRMATA_PACKAGE}/package.json`);
    return join(dirname(pkg), DEFAULT_FIRMATA_HEX_PATH);
  } catch {
    throw new AvrError(
      'image_missing',
      `the default StandardFirmata image comes from the npm package ${DEFAULT_FIRMATA_PACKAGE}, which is not installed; ` +
        'install it or give the bench a "hex" path',
    );
  }
}

/** Read and parse a HEX file (default: the avrgirl-arduino StandardFirmata). */
export function loadFirmwareImage(hexPath?: string): Uint8Array {
  const path = hexPath ?? defaultFirmataHexPath();
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new AvrError('image_missing', `cannot read the AVR firmware ${path}: ${(err as Error).message}`);
  }
  return parseIntelHex(text);
}
