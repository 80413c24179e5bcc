// How a device tells esphil connections from tutorial pages (PROTOCOL.md 2, 9): the request target's query
// parameter `esphil`, and in legacy mode the first frame that is a JSON object. arduinoWebSockets shows the sketch
// the request target (with its query) in WStype_CONNECTED but never the offered subprotocol
// (shared/reference/arduinowebsockets-facts.md §1.1, §3), so the marker has to travel in the URL.
import { ESPHIL_URL_PARAM } from '../messages';

/** The path of a request target (`/a?b` -> `/a`); the query and a fragment are not part of it. */
export function targetPath(target: string): string {
  const end = target.search(/[?#]/);
  return end < 0 ? target : target.slice(0, end);
}

function query(url: string): string | null {
  const hash = url.indexOf('#');
  const noHash = hash < 0 ? url : url.slice(0, hash);
  const q = noHash.indexOf('?');
  return q < 0 ? null : noHash.slice(q + 1);
}

/**
 * True when the URL or request target carries the query parameter `esphil` (any value, among other parameters or
 * alone). The name is compared as sent: no percent-decoding, case-sensitive. Never throws.
 */
export function hasEsphilMarker(url: string): boolean {
  if (typeof url !== 'string') return false;
  const q = query(url);
  if (q === null) return false;
  return q.split('&').some((p) => {
    const eq = p.indexOf('=');
    return (eq < 0 ? p : p.slice(0, eq)) === ESPHIL_URL_PARAM;
  });
}

/** `url` with the `esphil` query parameter added, unless it already has one (what @esphil/client opens). */
export function withEsphilMarker(url: string): string {
  if (hasEsphilMarker(url)) return url;
  const hash = url.indexOf('#');
  const base = hash < 0 ? url : url.slice(0, hash);
  const tail = hash < 0 ? '' : url.slice(hash);
  const q = base.indexOf('?');
  const sep = q < 0 ? '?' : q === base.length - 1 || base.endsWith('&') ? '' : '&';
  return `${base}${sep}${ESPHIL_URL_PARAM}${tail}`;
}

const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);

/**
 * True when the first byte that is not JSON whitespace (space, tab, LF, CR) is `{`: the frame that switches a
 * legacy-mode connection to esphil mode (PROTOCOL.md 9), whether or not the rest is valid JSON or UTF-8.
 */
export function startsJsonObject(data: string | Uint8Array): boolean {
  if (typeof data === 'string') {
    for (let i = 0; i < data.length; i++) {
      const c = data.charCodeAt(i);
      if (!WHITESPACE.has(c)) return c === 0x7b;
    }
    return false;
  }
  if (!(data instanceof Uint8Array)) return false;
  for (const b of data) if (!WHITESPACE.has(b)) return b === 0x7b;
  return false;
}
