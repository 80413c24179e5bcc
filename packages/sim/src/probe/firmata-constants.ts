// Firmata protocol 2.x command bytes (firmata/protocol, protocol.md and sysex.md).
export const DIGITAL_MESSAGE = 0x90;
export const ANALOG_MESSAGE = 0xe0;
export const REPORT_ANALOG = 0xc0;
export const REPORT_DIGITAL = 0xd0;
export const SET_PIN_MODE = 0xf4;
export const SET_DIGITAL_PIN_VALUE = 0xf5;
export const REPORT_VERSION = 0xf9;
export const SYSTEM_RESET = 0xff;
export const START_SYSEX = 0xf0;
export const END_SYSEX = 0xf7;

// Sysex commands
export const ANALOG_MAPPING_QUERY = 0x69;
export const ANALOG_MAPPING_RESPONSE = 0x6a;
export const CAPABILITY_QUERY = 0x6b;
export const CAPABILITY_RESPONSE = 0x6c;
export const PIN_STATE_QUERY = 0x6d;
export const PIN_STATE_RESPONSE = 0x6e;
export const EXTENDED_ANALOG = 0x6f;
export const STRING_DATA = 0x71;
export const REPORT_FIRMWARE = 0x79;
export const SAMPLING_INTERVAL = 0x7a;

export const PIN_MODE = {
  INPUT: 0x00,
  OUTPUT: 0x01,
  ANALOG: 0x02,
  PWM: 0x03,
  SERVO: 0x04,
  I2C: 0x06,
  PULLUP: 0x0b,
  IGNORE: 0x7f,
} as const;
export type PinMode = number;

/**
 * Modes StandardFirmata's setPinModeCallback knows; anything else answers "Unknown pin mode". SERIAL (0x0A)
 * is known but silently does nothing on a build without FIRMATA_SERIAL_FEATURE (the Uno's).
 */
export const KNOWN_PIN_MODES: ReadonlySet<number> = new Set([
  0x00, 0x01, 0x02, 0x03, 0x04, 0x06, 0x0a, 0x0b, 0x7f,
]);

/** Protocol version StandardFirmata 2.5 reports (REPORT_VERSION F9 02 05). */
export const FIRMATA_PROTOCOL_VERSION = { major: 2, minor: 5 } as const;
