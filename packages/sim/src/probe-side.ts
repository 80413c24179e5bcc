// Probe side of the simulator (virtual serial binding, virtual Firmata probe, virtual wiring).
// Re-exported from src/index.ts by the DUT side.

export { Atmega328p, UNO_CLOCK_HZ, type UnoPinState } from './avr/atmega328p';
export {
  AvrProbe,
  type AvrProbeOptions,
  type AvrProbeStats,
  DEFAULT_AVR_MAX_CATCH_UP_MS,
  DEFAULT_AVR_SLICE_MS,
} from './avr/avr-probe';
export { AvrError, type AvrErrorCode } from './avr/errors';
export {
  DEFAULT_FIRMATA_HEX_PATH,
  DEFAULT_FIRMATA_PACKAGE,
  defaultFirmataHexPath,
  loadFirmwareImage,
} from './avr/firmata-image';
export { ATMEGA328P_FLASH_BYTES, MAX_HEX_CHARS, parseIntelHex } from './avr/intel-hex';
export { VirtualBindingError, type VirtualBindingErrorCode } from './binding/errors';
export { ARDUINO_UNO_PORT_INFO, ARDUINO_ZERO_PORT_INFO, CP2102_PORT_INFO } from './binding/port-info';
export { bridgeDeviceToStream, type StreamBridge, type StreamBridgeOptions } from './binding/stream-bridge';
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
  type VirtualAttachOptions,
  type VirtualBinding,
  type VirtualBindingOptions,
  VirtualPortBinding,
} from './binding/virtual-binding';
export { type BootSchedule, firmataBootSchedule } from './probe/boot';
export { type Clock, type ClockTimer, ManualClock, realClock } from './probe/clock';
export * as firmata from './probe/firmata-constants';
export {
  DEFAULT_MAX_SYSEX_BYTES,
  type FirmataHostMessage,
  FirmataParser,
  type FirmataParserOptions,
  type FirmataParserStats,
} from './probe/firmata-parser';
export type { ProbeDrive, ProbeIO } from './probe/probe-io';
export {
  type FirmataPinMap,
  firmataPinMap,
  getProbeProfile,
  ProbeProfileError,
} from './probe/probe-profile';
export {
  DEFAULT_FIRMWARE_NAME,
  DEFAULT_LOOP_PASS_MS,
  DEFAULT_SAMPLING_INTERVAL_MS,
  MIN_SAMPLING_INTERVAL_MS,
  type ProbeBootMode,
  type ProbePinState,
  SERIAL_RX_BUFFER_BYTES,
  VirtualProbe,
  type VirtualProbeOptions,
  type VirtualProbeStats,
} from './probe/virtual-probe';
export { type WireOverride, type WireRef, WiringError, type WiringErrorCode } from './wiring/overrides';
export * as wiringPhysics from './wiring/physics';
export { expectRcCounts } from './wiring/physics';
export {
  DEFAULT_NOISE_LSB,
  type DutOutput,
  VirtualWiring,
  type VirtualWiringOptions,
} from './wiring/virtual-wiring';
