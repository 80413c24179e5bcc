export { type CommandVars, expandCommand, type RunCommandOptions, runFlashCommand } from './command';
export { FirmwareError, type FirmwareErrorCode } from './errors';
export { type LoadedImage, type LoadOptions, loadImageSet } from './load';
export { type ResolvedImage, type ResolveOptions, resolveImageSet } from './resolve';
export {
  type FirmwareSource,
  type ImageEntry,
  MAX_IMAGES,
  parseFirmwareSection,
  parseOffset,
} from './section';
