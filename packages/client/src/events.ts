import type { ButtonEvent, LedEvent, LogEvent, PwmEvent, SensorEvent } from '@esphil/protocol';

/** One state difference found by comparing the mirror before a disconnect with the state in the new `hello`. */
export type StateChange =
  | { kind: 'led'; name: string; before: boolean | undefined; after: boolean | undefined }
  | { kind: 'button'; name: string; before: boolean | undefined; after: boolean | undefined }
  | {
      kind: 'pwm';
      name: string;
      before: { freq: number; bits: number; duty: number } | undefined;
      after: { freq: number; bits: number; duty: number } | undefined;
    }
  | { kind: 'logLevel'; name: 'logLevel'; before: string; after: string };

/** What a reconnect could not show as events: the gap summary of the time without a connection. */
export interface MissedSummary {
  /** Time from the disconnect to the new hello. */
  downtimeMs: number;
  /** Reconnect attempts it took (1 = first try worked). */
  attempts: number;
  /** Led/pwm/button/log-level differences between the old mirror and the new hello state (sensors excluded: they drift). */
  changes: StateChange[];
  /** Events known lost on the previous connection through sequence gaps. */
  lostEvents: number;
}

type Tag<K extends string, T> = T & { kind: K };

export type DeviceEventKind = 'led' | 'pwm' | 'button' | 'sensor' | 'log';

export type ClientEvent =
  | Tag<'led', LedEvent>
  | Tag<'pwm', PwmEvent>
  | Tag<'button', ButtonEvent>
  | Tag<'sensor', SensorEvent>
  | Tag<'log', LogEvent>
  | { kind: 'gap'; expected: number; got: number }
  | { kind: 'reboot'; previousBoot: string; boot: string }
  | { kind: 'disconnected'; code: number; reason: string }
  /** A reconnect attempt is scheduled; `error` is why the previous attempt failed (null for the first). */
  | {
      kind: 'reconnecting';
      attempt: number;
      delayMs: number;
      error: { code: string; message: string } | null;
    }
  | {
      kind: 'reconnected';
      missed: MissedSummary;
      rebooted: boolean;
      /** Sensor subscriptions re-established, and those the device refused. */
      restored: string[];
      restoreFailed: { sensor: string; code: string }[];
    }
  | { kind: 'protocol-error'; code: string; message: string; excerpt: string }
  /** The client stopped for good (close() or a permanent failure such as 'unauthorized' during reconnect). */
  | { kind: 'closed'; code: string | null; message: string };

export type ClientEventKind = ClientEvent['kind'];
export type ClientEventOf<K extends ClientEventKind> = Extract<ClientEvent, { kind: K }>;

/** Longest raw excerpt carried by a protocol-error event. */
export const EXCERPT_CHARS = 120;

export function excerpt(raw: string): string {
  return raw.length > EXCERPT_CHARS ? raw.slice(0, EXCERPT_CHARS) : raw;
}
