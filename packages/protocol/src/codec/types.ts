import type { ErrorCode } from '../messages';

/** Why a message was rejected. `path` names the offending field (`''` = the whole message). */
export interface DecodeError {
  code: ErrorCode;
  /** Dotted path with `[i]` for array items, e.g. `on`, `caps.leds[0].name`, `state.pwm.fan.duty`. */
  path: string;
  /** Human-readable: what was expected and what arrived. */
  message: string;
  /** The message's `id` whenever it could be read (requests, responses), else null. */
  id: number | null;
}

export type DecodeResult<T> = { ok: true; value: T } | { ok: false; error: DecodeError };

export interface DecodeOptions {
  /** Inputs larger than this many UTF-8 bytes are refused with `too_large` before parsing. Default MAX_FRAME_BYTES. */
  maxBytes?: number;
}

/** A field-level problem found by a validator; the caller turns it into a DecodeError. */
export interface Issue {
  path: string;
  message: string;
}
