import type { OpenOptions, PortInfo, PortStatus } from './serialport-types';

/** Modem control lines as the host drives them. `true` = asserted (the pin is electrically low on a USB-UART). */
export interface SerialSignals {
  dtr: boolean;
  rts: boolean;
  brk: boolean;
}

export interface VirtualOpenContext {
  baudRate: number;
  /** Every option the host opened with, defaults filled in. */
  options: Required<OpenOptions>;
  /** Lines as they are right after open: the OS asserts DTR and RTS on open. */
  signals: SerialSignals;
}

/**
 * The host's view of a virtual device: what a USB-UART chip and the board behind it would see.
 * Every hook is optional; a device with none of them is a port that swallows writes and never talks.
 */
export interface VirtualSerialDevice {
  /** Called once at attach time with the link the device uses to send bytes to the host. */
  onAttach?(link: VirtualSerialLink): void;
  onOpen?(ctx: VirtualOpenContext): void;
  /** Bytes written by the host (a private copy). */
  onData?(bytes: Uint8Array): void;
  /** Every `set()` call, with all flags resolved (the binding interface sets every flag on each call). */
  onSignals?(signals: SerialSignals): void;
  onBaudRate?(baudRate: number): void;
  onClose?(): void;
  /** Input lines reported by `get()`. */
  status?(): PortStatus;
}

export interface VirtualLinkStats {
  /** Bytes pushed while no host had the port open (a real UART drops them too). */
  droppedWhileClosed: number;
  /** Bytes dropped because the host was not reading and the receive buffer was full. */
  droppedOverflow: number;
  bytesToHost: number;
  bytesFromHost: number;
  /** Bytes garbled (either way) because host and device baud rates differ. */
  garbledBytes: number;
}

/** The device's end of the cable. */
export interface VirtualSerialLink {
  readonly path: string;
  readonly isOpen: boolean;
  /** Baud rate the host opened with or last updated to; null while closed. */
  readonly baudRate: number | null;
  readonly signals: SerialSignals;
  readonly stats: Readonly<VirtualLinkStats>;
  /** Send bytes to the host. Returns false when they were dropped (port closed or buffer full). */
  push(bytes: Uint8Array | string): boolean;
  /** Change the device UART's rate (null = not modelled: never garbles). Absent on links without a baud (a pty). */
  setBaudRate?(baud: number | null): void;
}

export type VirtualPortInfo = Partial<Omit<PortInfo, 'path'>>;
