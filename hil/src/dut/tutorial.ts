import { connectLegacy } from '@esphil/client';
import type { DutAdapter, DutReadySpec } from './types';

/**
 * The tutorial sketch's console (shared/seed/esp32-websocket-tutorial.md; the simulated sketch,
 * packages/sim/src/tutorial/tutorial-sketch.ts, prints the same): `IP address: <ip>` once Wi-Fi is up, then
 * `WebSocket server started on port <n>` after webSocket.begin(). Ready is the second: only then does the port
 * answer. A sketch that prints something else: set `dut.ready` (a pattern) and `dut.url` in the bench file.
 */
export const TUTORIAL_READY_PATTERN = /WebSocket server started on port (?<port>\d+)/;
const IP_LINE = /IP address:\s*(?<ip>[0-9A-Fa-f.:]+)/;
/** The tutorial's port (`WebSocketsServer webSocket = WebSocketsServer(81)`, seed §9). */
export const TUTORIAL_WS_PORT = 81;

/**
 * The URL from the ready line's named groups, as far as they go: `url` as it is; else `ip` (or the last
 * `IP address:` line) and `port` (or 81) as ws://<ip>:<port>/.
 */
export function tutorialUrl(match: RegExpExecArray, lines: readonly string[]): string | null {
  if (match.groups?.url) return match.groups.url;
  let ip = match.groups?.ip;
  for (let i = lines.length - 1; i >= 0 && !ip; i--) ip = IP_LINE.exec(lines[i]!)?.groups?.ip;
  if (!ip) return null;
  const port = match.groups?.port ?? String(TUTORIAL_WS_PORT);
  return `ws://${ip.includes(':') ? `[${ip}]` : ip}:${port}/`;
}

export const tutorialReady: DutReadySpec = { pattern: TUTORIAL_READY_PATTERN, url: tutorialUrl };

/**
 * The tutorial sketch: text `LED ON` / `LED OFF` on its WebSocket, answered `LED is now ON/OFF` and that answer
 * broadcast to every client (webSocket.broadcastTXT: `broadcast`; the suites watch it with text clients of their
 * own, 60-broadcast.hil.ts), nothing else. It has one LED, so every LED name drives it; it reports no state, PWM,
 * buttons or sensors.
 */
export const tutorialAdapter: DutAdapter = {
  name: 'tutorial',
  capabilities: ['led.set', 'legacy-text', 'broadcast'],
  ready: tutorialReady,
  async connect(o) {
    const legacy = await connectLegacy(o.url, {
      timeoutMs: o.timeoutMs,
      requestTimeoutMs: o.requestTimeoutMs,
      WebSocket: o.WebSocket,
    });
    return {
      async ledSet(_led, on) {
        await (on ? legacy.ledOn() : legacy.ledOff());
      },
      close: () => legacy.close(),
    };
  },
};
