import type { ResolvedConfig } from '@esphil/device-model';
import type { ResolvedBench } from '../bench/types';
import type { DutCapability } from './capabilities';

/**
 * How a DUT that does not print the esphil ready line announces it is up: the first console line (after the reset)
 * matching `pattern`. ESP32 sketches print their IP once Wi-Fi is up; that line is the usual choice.
 */
export interface DutReadySpec {
  /** A RegExp, or its source as a string (bench files and JSON). Matched against each console line. */
  pattern: RegExp | string;
  /**
   * The WebSocket URL, from the matching line and the console lines before it (since the reset); null when they do
   * not tell it (the bench's `dut.url` must then give it). Not called when the bench sets `dut.url`.
   */
  url?(match: RegExpExecArray, lines: readonly string[]): string | null;
}

/** A WHATWG-style WebSocket, as the runner hands one to adapters (frames go to the report's transcript). */
export interface DutSocket {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(
    type: 'open' | 'close' | 'error',
    listener: (event: unknown) => void,
    options?: { once?: boolean },
  ): void;
  addEventListener(
    type: 'message',
    listener: (event: { data: unknown }) => void,
    options?: { once?: boolean },
  ): void;
}
export type DutSocketClass = new (url: string) => DutSocket;

/** What the runner gives `connect`. */
export interface DutConnectOptions {
  url: string;
  /** Connect budget and per-command reply budget (the bench's timeouts.connectMs / requestMs). */
  timeoutMs: number;
  requestTimeoutMs: number;
  /** The bench's dut.token, or null. */
  token: string | null;
  /** The device config of the bench (LED, PWM, button and sensor names and pins). */
  config: ResolvedConfig;
  /** Use it to open sockets, so the report's WebSocket transcript shows the DUT's frames. */
  WebSocket: DutSocketClass;
}

/** The DUT's current outputs as far as it reports them. */
export interface DutState {
  leds: Record<string, boolean>;
  /** Duty as a fraction 0..1. */
  pwm?: Record<string, number>;
}

/**
 * A connected DUT, johnny-five IO style: small methods the suites call whatever the firmware speaks. Targets are
 * the names in the bench's device config (`leds[].name`, `pwm[].name`).
 */
export interface DutIo {
  /** Resolves once the DUT took the command (its answer, where it gives one). */
  ledSet(led: string, on: boolean): Promise<void>;
  /** Capability `pwm`. Resolves with the duty fraction really output (quantised), or nothing: the one asked for. */
  pwmSet?(channel: string, fraction: number): Promise<number | undefined>;
  /** Capability `state`. */
  readState?(): Promise<DutState>;
  close(): Promise<void>;
}

/** Describes a kind of firmware under test: how it announces itself, what it can do, how to drive it. */
export interface DutAdapter {
  /** Shown in reports and skip reasons, e.g. "tutorial". */
  name: string;
  /** What it can do; a function when that depends on the bench (e.g. `auth` only with a token). */
  capabilities: readonly DutCapability[] | ((bench: ResolvedBench) => readonly DutCapability[]);
  /** How ready shows on serial. `'esphil'`: the `@esphil {"t":"ready"}` machine line (built-in adapter only). */
  ready: DutReadySpec | 'esphil';
  connect(opts: DutConnectOptions): Promise<DutIo>;
}
