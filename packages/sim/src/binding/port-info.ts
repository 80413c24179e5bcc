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

/**
 * Arduino Zero, Programming Port: the EDBG debugger chip (boards.txt arduino_zero_edbg: 03eb:2157). Firmata
 * talks on `Serial`, which the Zero's variant puts on SERCOM5 to the EDBG, not on the native USB port 2341:804d.
 */
export const ARDUINO_ZERO_PORT_INFO: VirtualPortInfo = {
  manufacturer: 'Atmel Corp.',
  vendorId: '03eb',
  productId: '2157',
  serialNumber: '00000000AZE000000310',
  pnpId: 'usb-Atmel_Corp._EDBG_CMSIS-DAP_00000000AZE000000310-if01',
  locationId: undefined,
};
