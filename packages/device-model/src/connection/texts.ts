/** The JSON texts the device writes itself (not through the state machine), byte for byte as the firmware's. */
import type { ErrorCode, UnsequencedEvent } from '@esphil/protocol';

/** An error response (Machine::errorResponse): `id` null when unreadable. */
export function errorText(id: number | null, code: ErrorCode, msg: string): string {
  return JSON.stringify({ t: 'res', id, ok: false, error: { code, msg } });
}

/** An event's JSON numbered `seq`: `seq` right after `t`, as the firmware's encodeEvent writes it. */
export function numberedEvent(ev: UnsequencedEvent, seq: number): string {
  const { t, ...rest } = ev;
  return JSON.stringify({ t, seq, ...rest });
}
