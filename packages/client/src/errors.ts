import type { ErrorCode } from '@esphil/protocol';

/** Codes the client adds on top of the device's own error codes. */
export type ClientErrorCode =
  | 'timeout'
  | 'not_connected'
  | 'disconnected'
  | 'aborted'
  | 'connect_failed'
  | 'server_full'
  | 'unauthorized'
  | 'protocol';

export type DeviceClientErrorCode = ErrorCode | ClientErrorCode;

export interface DeviceClientErrorDetails {
  /** The op of the request that failed, when the error belongs to a request. */
  op?: string;
  /** The request id on the wire. */
  id?: number;
  /** What to check or change; set for connection failures with a known cause. */
  hint?: string;
  /** The device's own error code when it is not one this client knows (the error's `code` is then 'protocol'). */
  deviceCode?: string;
  cause?: unknown;
}

/** Every failure the client reports carries a stable `code`; device-side failures carry the device's own code. */
export class DeviceClientError extends Error {
  readonly code: DeviceClientErrorCode;
  readonly op: string | undefined;
  readonly id: number | undefined;
  readonly hint: string | undefined;
  readonly deviceCode: string | undefined;

  constructor(code: DeviceClientErrorCode, message: string, details: DeviceClientErrorDetails = {}) {
    super(details.hint ? `${message} (${details.hint})` : message, { cause: details.cause });
    this.name = 'DeviceClientError';
    this.code = code;
    this.op = details.op;
    this.id = details.id;
    this.hint = details.hint;
    this.deviceCode = details.deviceCode;
  }
}

export function isDeviceClientError(err: unknown, code?: DeviceClientErrorCode): err is DeviceClientError {
  return err instanceof DeviceClientError && (code === undefined || err.code === code);
}

/** The device (not the library) is full: its config's limit, below the library's slots (PROTOCOL.md 2.3). */
export const DEVICE_FULL_HINT =
  'the device serves at most websocket.maxClients clients at once: close another client, or raise ' +
  "websocket.maxClients in its config (up to the firmware build's WEBSOCKETS_SERVER_CLIENT_MAX)";

export const SERVER_FULL_HINT =
  'arduinoWebSockets accepts at most 5 clients (WEBSOCKETS_SERVER_CLIENT_MAX) and drops the 6th after the TCP ' +
  'accept; close another client (browser tab, script) or rebuild the firmware with a higher limit';

export const SUBPROTOCOL_HINT =
  'arduinoWebSockets answers ANY offered Sec-WebSocket-Protocol with its own name ("arduino" unless the sketch set ' +
  'one); offer nothing (the default) or exactly the firmware\'s name (subprotocol: "esphil.v1" for esphil firmware)';

export const PROTOCOL_VERSION_HINT =
  'update the firmware or the client so both speak the same protocol version';

export const HELLO_HINT =
  "the firmware's hello lacks or mistypes a field PROTOCOL.md §2.1 requires; update the firmware (or its config)";
