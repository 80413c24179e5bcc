/**
 * Which reset esptool would play to get a board into download mode, attempt by attempt.
 *
 * esptool v5.1.0 loader.py `_construct_reset_strategy_sequence` (l.716-756): a USB-Serial/JTAG port (PID 0x1001,
 * l.741-742) gets only USBJTAGSerialReset; on Unix a USB-UART bridge gets UnixTightReset 50 ms, UnixTightReset
 * 550 ms, ClassicReset 50 ms, ClassicReset 550 ms (l.745-751), and `connect` cycles through them for up to
 * DEFAULT_CONNECT_ATTEMPTS = 7 attempts (l.109, l.786-789), each attempt syncing up to 5 times (l.681).
 */
import type { ControlLines } from '../open';
import {
  classicResetSequence,
  ESPTOOL_EXTRA_RESET_DELAY_MS,
  ESPTOOL_RESET_DELAY_MS,
  type ResetStep,
  unixTightResetSequence,
  usbJtagResetSequence,
} from './sequences';

/**
 * 'auto': USB-Serial/JTAG for 303a:1001, else esptool's tight/classic cycle. 'classic' / 'tight-unix': that
 * reset with the 50 ms and 550 ms delays alternating. 'usb-jtag': the USB-Serial/JTAG sequence. 'none': the board
 * is already in download mode (a pty, a board without auto-reset: hold BOOT, press EN).
 */
export type ResetStrategyName = 'auto' | 'classic' | 'tight-unix' | 'usb-jtag' | 'none';

export const RESET_STRATEGIES: readonly ResetStrategyName[] = [
  'auto',
  'classic',
  'tight-unix',
  'usb-jtag',
  'none',
];

/** Espressif's USB vendor id and the USB-Serial/JTAG product id (esptool loader.py:306, guessBoard in list.ts). */
export const ESPRESSIF_VID = 0x303a;
export const USB_JTAG_SERIAL_PID = 0x1001;

export interface UsbIds {
  /** Numbers, or hex strings as serialport's list() reports them ('303a'). */
  vendorId?: number | string;
  productId?: number | string;
}

function asNumber(id: number | string | undefined): number | undefined {
  if (typeof id === 'number') return id;
  if (typeof id !== 'string' || !/^(0x)?[0-9a-f]{1,4}$/i.test(id)) return undefined;
  return Number.parseInt(id.replace(/^0x/i, ''), 16);
}

export function isUsbJtagSerial(ids: UsbIds): boolean {
  return asNumber(ids.vendorId) === ESPRESSIF_VID && asNumber(ids.productId) === USB_JTAG_SERIAL_PID;
}

export interface ResetAttempt {
  /** For logs: 'tight-unix 50 ms', 'classic 550 ms', 'usb-jtag'. */
  label: string;
  /** The steps, given the lines' state before the attempt (classic and USB-JTAG write one line at a time). */
  steps(from: ControlLines): ResetStep[];
}

const tight = (ms: number): ResetAttempt => ({
  label: `tight-unix ${ms} ms`,
  steps: () => unixTightResetSequence(ms),
});
const classic = (ms: number): ResetAttempt => ({
  label: `classic ${ms} ms`,
  steps: (from) => classicResetSequence(ms, from),
});
const usbJtag: ResetAttempt = { label: 'usb-jtag', steps: (from) => usbJtagResetSequence(from) };

/** The attempts to cycle through (attempt i plays plan[i % plan.length]); empty for 'none'. */
export function connectResetPlan(strategy: ResetStrategyName, ids: UsbIds = {}): ResetAttempt[] {
  switch (strategy) {
    case 'none':
      return [];
    case 'usb-jtag':
      return [usbJtag];
    case 'classic':
      return [classic(ESPTOOL_RESET_DELAY_MS), classic(ESPTOOL_EXTRA_RESET_DELAY_MS)];
    case 'tight-unix':
      return [tight(ESPTOOL_RESET_DELAY_MS), tight(ESPTOOL_EXTRA_RESET_DELAY_MS)];
    case 'auto':
      if (isUsbJtagSerial(ids)) return [usbJtag];
      return [
        tight(ESPTOOL_RESET_DELAY_MS),
        tight(ESPTOOL_EXTRA_RESET_DELAY_MS),
        classic(ESPTOOL_RESET_DELAY_MS),
        classic(ESPTOOL_EXTRA_RESET_DELAY_MS),
      ];
  }
}
