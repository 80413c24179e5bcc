import type { ClientOptions } from '@esphil/client';
import type { ResolvedBench } from '../bench/types';
import { recordingWebSocket } from '../stages/recording-ws';
import { reportEscape } from '../vitest/escapes';
import type { Transcript } from './log';

/** Options for every client the runner opens to the DUT (the primary one and the suites' extra ones). */
export function clientOptions(bench: ResolvedBench, transcript: Transcript, label: string): ClientOptions {
  return {
    timeoutMs: bench.timeouts.connectMs,
    requestTimeoutMs: bench.timeouts.requestMs,
    ...(bench.dut.token ? { token: bench.dut.token } : {}),
    reconnect: { initialDelayMs: 50, maxDelayMs: 1000, factor: 2, jitter: 'full' },
    heartbeat: false,
    WebSocket: recordingWebSocket(transcript, label),
    // A suite's assertion in a dut.on() listener must fail its test, not be logged and swallowed.
    onListenerError: (error, event) => reportEscape(error, `client '${event}' listener (${label})`),
  };
}
