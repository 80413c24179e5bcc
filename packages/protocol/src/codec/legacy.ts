// The seed tutorial's text protocol: `LED ON` / `LED OFF`. Matched exactly (case-sensitive) so JSON and
// arbitrary text never trigger it; one trailing LF or CRLF is tolerated for line-oriented tools (wscat, serial).
import { LEGACY_LED_OFF, LEGACY_LED_ON } from '../messages';

const ON_BYTES = [0x4c, 0x45, 0x44, 0x20, 0x4f, 0x4e]; // "LED ON"
const OFF_BYTES = [0x4c, 0x45, 0x44, 0x20, 0x4f, 0x46, 0x46]; // "LED OFF"

function stripLineEnd(s: string): string {
  if (s.endsWith('\r\n')) return s.slice(0, -2);
  if (s.endsWith('\n')) return s.slice(0, -1);
  return s;
}

function bytesEqualPrefix(b: Uint8Array, want: readonly number[]): boolean {
  for (let i = 0; i < want.length; i++) if (b[i] !== want[i]) return false;
  return true;
}

function bytesMatch(b: Uint8Array, want: readonly number[]): boolean {
  const n = want.length;
  if (b.length === n) return bytesEqualPrefix(b, want);
  if (b.length === n + 1) return b[n] === 0x0a && bytesEqualPrefix(b, want);
  if (b.length === n + 2) return b[n] === 0x0d && b[n + 1] === 0x0a && bytesEqualPrefix(b, want);
  return false;
}

/** 'on' / 'off' for the tutorial's two commands, null for anything else. Never throws. */
export function isLegacyText(text: string | Uint8Array): 'on' | 'off' | null {
  if (typeof text === 'string') {
    if (text.length > LEGACY_LED_OFF.length + 2) return null;
    const s = stripLineEnd(text);
    if (s === LEGACY_LED_ON) return 'on';
    if (s === LEGACY_LED_OFF) return 'off';
    return null;
  }
  if (!(text instanceof Uint8Array)) return null;
  if (bytesMatch(text, ON_BYTES)) return 'on';
  if (bytesMatch(text, OFF_BYTES)) return 'off';
  return null;
}
