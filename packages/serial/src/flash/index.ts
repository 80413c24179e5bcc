export { FlashError, type FlashErrorCode } from './errors';
export {
  type FlashChip,
  type FlashedFile,
  type FlashImage,
  type FlashImagesOptions,
  type FlashProgress,
  type FlashReport,
  flashImages,
} from './flash-images';
export { BindingSerialPort, type BindingSerialPortOptions, type WebSerialSignals } from './web-serial-port';
