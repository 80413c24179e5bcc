/**
 * Which kind of connection a WebSocket client is, and what a legacy-mode connection gets (PROTOCOL.md 2, 9). Shared
 * by the sim's connection layer; the firmware core mirrors it (apps/firmware/src/core/device.cpp, Slot::Mode).
 *
 * - A request target with the query parameter `esphil` is an esphil connection: hello (or auth_required) at once.
 * - Without it, on a device whose caps say `legacyText` (legacy text on and an LED to drive), the connection starts
 *   in legacy mode: no unsolicited JSON, only text. Its first frame that is a JSON object switches it for good.
 * - Otherwise it is an esphil connection at once (the behaviour before legacy mode existed).
 */
import {
  hasEsphilMarker,
  isLegacyText,
  LEGACY_REPLY_OFF,
  LEGACY_REPLY_ON,
  startsJsonObject,
  type UnsequencedEvent,
} from '@esphil/protocol';

export type ConnectionMode = 'esphil' | 'legacy';

/** What the device knows when a client connects: its caps' `legacyText` (false when there is no LED). */
export interface ConnectionModeCaps {
  legacyText: boolean;
}

/** The mode a new connection starts in, from the request target the library reports (e.g. `/?esphil`). */
export function initialConnectionMode(target: string, caps: ConnectionModeCaps): ConnectionMode {
  return caps.legacyText && !hasEsphilMarker(target) ? 'legacy' : 'esphil';
}

/**
 * What a legacy-mode connection's frame is: `switch` (a JSON object: send hello or auth_required first, then handle
 * it as an esphil frame), `command` (`LED ON` / `LED OFF`: handled as PROTOCOL.md 9, answered with text, or
 * `unauthorized` before auth), or `ignore` (any other text, and every binary frame: counted, never answered).
 */
export type LegacyFrameKind = 'switch' | 'command' | 'ignore';

export function legacyFrameKind(data: string | Uint8Array, binary: boolean): LegacyFrameKind {
  if (binary) return 'ignore';
  if (startsJsonObject(data)) return 'switch';
  return isLegacyText(data) !== null ? 'command' : 'ignore';
}

/**
 * The text a legacy-mode connection on `slot` gets for an event, or null: `LED is now ON/OFF` when the first LED
 * (`firstLed`, caps.leds[0]) changes by any cause (as tutorial sketches broadcast), except for the connection's own
 * legacy command (`by: legacy:<slot>`), whose answer already said it.
 */
export function legacyBroadcastText(
  event: UnsequencedEvent,
  firstLed: string | undefined,
  slot: number,
): string | null {
  if (event.ev !== 'led' || firstLed === undefined || event.led !== firstLed) return null;
  if (event.by === `legacy:${slot}`) return null;
  return event.on ? LEGACY_REPLY_ON : LEGACY_REPLY_OFF;
}
