// Probe side of the simulator (virtual serial binding, virtual Firmata probe, virtual wiring).
// Re-exported from src/index.ts by the DUT side.
export { VirtualBindingError, type VirtualBindingErrorCode } from './binding/errors';
export { ARDUINO_UNO_PORT_INFO, ARDUINO_ZERO_PORT_INFO, CP2102_PORT_INFO } from './binding/port-info';
export type {
  SerialSignals,
  VirtualLinkStats,
  VirtualOpenContext,
  VirtualPortInfo,
  VirtualSerialDevice,
  VirtualSerialLink,
} from './binding/types';
export {
  createVirtualBinding,
  DEFAULT_MAX_BUFFERED_BYTES,
  type VirtualBinding,
  type VirtualBindingOptions,
  VirtualPortBinding,
} from './binding/virtual-binding';
