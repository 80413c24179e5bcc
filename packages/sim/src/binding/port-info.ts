import type { VirtualPortInfo } from './types';

// What `udevadm` makes node-serialport report for these chips on Linux, so board-guessing code that keys on
// vendor/product ids treats virtual ports like the real ones.

/** Silicon Labs CP2102, the USB-UART on the DOIT ESP32 DevKit V1. */
export const CP2102_PORT_INFO: VirtualPortInfo = {
  manufacturer: 'Silicon Labs',
  vendorId: '10c4',
  productId: 'ea60',
  serialNumber: '0001',
  pnpId: 'usb-Silicon_Labs_CP2102_USB_to_UART_Bridge_Controller_0001-if00-port0',
  locationId: undefined,
};

/** Arduino Uno R3 (ATmega16U2 USB bridge). */
export const ARDUINO_UNO_PORT_INFO: VirtualPortInfo = {
  manufacturer: 'Arduino (www.arduino.cc)',
  vendorId: '2341',
  productId: '0043',
  serialNumber: '85735313932351F0C1A1',
  pnpId: 'usb-Arduino__www.arduino.cc__0043_85735313932351F0C1A1-if00',
  locationId: undefined,
};

/** Arduino Zero, native USB port. */
export const ARDUINO_ZERO_PORT_INFO: VirtualPortInfo = {
  manufacturer: 'Arduino LLC',
  vendorId: '2341',
  productId: '804d',
  serialNumber: 'D2F5D9E350533050302E3120FF0E1A3B',
  pnpId: 'usb-Arduino_LLC_Arduino_Zero_D2F5D9E350533050302E3120FF0E1A3B-if00',
  locationId: undefined,
};
