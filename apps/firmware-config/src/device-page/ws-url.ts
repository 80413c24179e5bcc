/**
 * Where the served page finds the device's WebSocket: the host it was loaded from, on the tutorial's split
 * (HTTP 80, WebSocket 81). A host whose WebSocket listens elsewhere (the simulated board's ephemeral ports)
 * says so with `?ws=<port>`, so the embedded bytes are the same everywhere.
 */
export const DEFAULT_WS_PORT = 81;

export function deviceWsUrl(loc: { hostname: string; search: string; protocol: string }): string {
  const asked = new URLSearchParams(loc.search).get('ws');
  const n = asked === null ? Number.NaN : Number(asked);
  const port = Number.isInteger(n) && n > 0 && n <= 65535 ? n : DEFAULT_WS_PORT;
  const scheme = loc.protocol === 'https:' ? 'wss' : 'ws';
  // An IPv6 literal needs its brackets back in a URL.
  const host =
    loc.hostname.includes(':') && !loc.hostname.startsWith('[') ? `[${loc.hostname}]` : loc.hostname;
  return `${scheme}://${host}:${port}/`;
}
