export { CHIP_DETECT_MAGIC_REG, CHIP_ROMS, type ChipRom, FLASH_JEDEC_ID } from './chip-rom';
export { DEFAULT_APP_IDENTITY, defaultImageSet, flashWithImages, type NamedImage } from './default-images';
export { bootFromFlash, type FlashBootResult } from './flash-boot';
export { FLASH_SECTOR, FlashModel } from './flash-model';
export { CMD, ROM_BAUD, RomLoader, type RomLoaderOptions } from './loader';
export { SlipDecoder, slipEncode } from './slip';
