import type { Duplex } from 'node:stream';
import type { OpenOptions } from './serialport-types';
import type { SerialSignals, VirtualLinkStats, VirtualSerialDevice, VirtualSerialLink } from './types';

export interface StreamBridgeOptions {
  /** Name reported as the link's path (default 'stream'). */
  path?: string;
  /** Baud rate reported to the device (a pty has none of its own; default 57600). */
  baudRate?: number;
}

export interface StreamBridge {
  readonly link: VirtualSerialLink;
  /** Detach the device from the stream (does not close the stream). */
  close(): void;
}

const NO_LINES: SerialSignals = { dtr: true, rts: true, brk: false };

/**
 * Plugs a virtual device into any byte stream (one end of a socat pseudo-terminal pair opened with the native
 * binding, a TCP socket, ...), so real tools can reach the simulated board from outside the process.
 * A stream carries no modem lines: the device sees DTR and RTS asserted once, at open, and never again.
 */
export function bridgeDeviceToStream(
  device: VirtualSerialDevice,
  stream: Duplex & { isOpen?: boolean },
  opts: StreamBridgeOptions = {},
): StreamBridge {
  const path = opts.path ?? 'stream';
  const baudRate = opts.baudRate ?? 57600;
  const stats: VirtualLinkStats = {
    droppedWhileClosed: 0,
    droppedOverflow: 0,
    bytesToHost: 0,
    bytesFromHost: 0,
    garbledBytes: 0,
  };
  let open = false;
  let closed = false;
  const usable = (): boolean => open && !closed && !stream.destroyed && stream.writable;

  const link: VirtualSerialLink = {
    path,
    get isOpen() {
      return usable();
    },
    get baudRate() {
      return usable() ? baudRate : null;
    },
    get signals() {
      return usable() ? { ...NO_LINES } : { dtr: false, rts: false, brk: false };
    },
    stats,
    push(bytes) {
      const data = typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : Buffer.from(bytes);
      if (!usable()) {
        stats.droppedWhileClosed += data.length;
        return false;
      }
      stats.bytesToHost += data.length;
      stream.write(data);
      return true;
    },
  };

  const onData = (chunk: Buffer): void => {
    stats.bytesFromHost += chunk.length;
    device.onData?.(new Uint8Array(chunk));
  };
  const onEnd = (): void => {
    if (closed) return;
    closed = true;
    device.onClose?.();
  };
  const start = (): void => {
    if (closed) return;
    open = true;
    const options = {
      path,
      baudRate,
      dataBits: 8,
      lock: false,
      stopBits: 1,
      parity: 'none',
      rtscts: false,
      xon: false,
      xoff: false,
      xany: false,
      hupcl: false,
    } as Required<OpenOptions>;
    device.onOpen?.({ baudRate, options, signals: { ...NO_LINES } });
  };

  device.onAttach?.(link);
  stream.on('data', onData);
  stream.on('close', onEnd);
  // A SerialPortStream that is still opening announces itself with 'open'; other streams are ready now.
  if (stream.isOpen === false) stream.once('open', start);
  else start();

  return {
    link,
    close() {
      stream.off('data', onData);
      stream.off('close', onEnd);
      stream.off('open', start);
      onEnd();
    },
  };
}
