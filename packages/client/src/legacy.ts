import {
  LEGACY_LED_OFF,
  LEGACY_LED_ON,
  LEGACY_REPLY_OFF,
  LEGACY_REPLY_ON,
  MAX_FRAME_BYTES,
} from '@esphil/protocol';
import { DeviceClientError } from './errors';
import { defaultTimers, type Timers } from './timers';
import type { Transport, TransportFactory } from './transport';

export interface LegacyOptions {
  /** Connect budget (default 5000 ms). */
  timeoutMs?: number;
  /** Per-command reply timeout (default 5000 ms). */
  requestTimeoutMs?: number;
  /** Node only: Origin header. */
  origin?: string;
  /** Text frames that are not a command reply (other clients' broadcasts excluded), e.g. a greeting. */
  onText?: (text: string) => void;
  timers?: Timers;
  WebSocket?: unknown;
}

export interface LegacyClient {
  ledOn(): Promise<typeof LEGACY_REPLY_ON>;
  ledOff(): Promise<typeof LEGACY_REPLY_OFF>;
  close(): Promise<void>;
}

interface Waiter {
  expect: string;
  resolve(v: string): void;
  reject(e: DeviceClientError): void;
  timer: unknown;
}

/**
 * Drives the tutorial firmware's text protocol (`LED ON` -> `LED is now ON`). Replies carry no id, so commands
 * are answered in order; a reply for the other state means someone else changed the LED in between.
 */
export function connectLegacyWith(
  url: string,
  opts: LegacyOptions,
  transport: TransportFactory,
): Promise<LegacyClient> {
  const timers = opts.timers ?? defaultTimers;
  const waiters: Waiter[] = [];
  let closed = false;
  let closeWaiters: (() => void)[] = [];

  return new Promise<LegacyClient>((resolve, reject) => {
    let opened = false;
    let failure: DeviceClientError | null = null;
    let t: Transport | null = null;
    const timer = timers.setTimeout(() => {
      reject(new DeviceClientError('timeout', `${url} did not open within ${opts.timeoutMs ?? 5000} ms`));
      t?.terminate();
    }, opts.timeoutMs ?? 5000);

    const failAll = (err: DeviceClientError) => {
      for (const w of waiters.splice(0)) {
        timers.clearTimeout(w.timer);
        w.reject(err);
      }
    };

    const command = <R extends string>(text: string, expect: R): Promise<R> => {
      if (closed || !t)
        return Promise.reject(new DeviceClientError('not_connected', `${text}: not connected`));
      const tr = t;
      return new Promise<R>((res, rej) => {
        const w: Waiter = {
          expect,
          resolve: res as (v: string) => void,
          reject: rej,
          timer: timers.setTimeout(() => {
            const i = waiters.indexOf(w);
            if (i >= 0) waiters.splice(i, 1);
            rej(
              new DeviceClientError(
                'timeout',
                `no reply to ${JSON.stringify(text)} within ${opts.requestTimeoutMs ?? 5000} ms`,
              ),
            );
          }, opts.requestTimeoutMs ?? 5000),
        };
        waiters.push(w);
        tr.send(text);
      });
    };

    const client: LegacyClient = {
      ledOn: () => command(LEGACY_LED_ON, LEGACY_REPLY_ON),
      ledOff: () => command(LEGACY_LED_OFF, LEGACY_REPLY_OFF),
      close: () => {
        if (closed) return Promise.resolve();
        closed = true;
        failAll(new DeviceClientError('disconnected', 'legacy client closed'));
        return new Promise<void>((res) => {
          closeWaiters.push(res);
          t?.close(1000, 'client closed');
        });
      },
    };

    try {
      t = transport(
        url,
        { protocols: [], maxPayload: MAX_FRAME_BYTES, ...(opts.origin ? { origin: opts.origin } : {}) },
        {
          open: () => {
            opened = true;
            timers.clearTimeout(timer);
            resolve(client);
          },
          message: (text) => {
            if (text === LEGACY_REPLY_ON || text === LEGACY_REPLY_OFF) {
              const w = waiters.shift();
              if (!w) return; // another client's change, broadcast by the sketch
              timers.clearTimeout(w.timer);
              if (text === w.expect) w.resolve(text);
              else
                w.reject(
                  new DeviceClientError(
                    'protocol',
                    `expected ${JSON.stringify(w.expect)}, got ${JSON.stringify(text)}`,
                  ),
                );
              return;
            }
            opts.onText?.(text);
          },
          error: (err) => {
            failure ??= err;
          },
          activity: () => {},
          close: (code) => {
            closed = true;
            failAll(new DeviceClientError('disconnected', `connection closed (${code})`));
            const cw = closeWaiters;
            closeWaiters = [];
            for (const c of cw) c();
            if (!opened) {
              timers.clearTimeout(timer);
              reject(
                failure ?? new DeviceClientError('connect_failed', `${url} closed (${code}) before opening`),
              );
            }
          },
        },
      );
    } catch (err) {
      timers.clearTimeout(timer);
      reject(err);
    }
  });
}
