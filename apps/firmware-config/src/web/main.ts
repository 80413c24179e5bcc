import { mountConfigure } from './configure';
import { DEFAULT_DEVICE_URL, mountLive } from './live';

/** ?device=ws://... wins; the dev server reports the simulator it started; otherwise the sim's default port. */
async function defaultDeviceUrl(): Promise<string> {
  const fromQuery = new URLSearchParams(location.search).get('device');
  if (fromQuery) return fromQuery;
  try {
    const r = await fetch('/__esphil/sim');
    if (r.ok) {
      const body = (await r.json()) as { url?: unknown };
      if (typeof body.url === 'string') return body.url;
    }
  } catch {
    // No dev server (static build): fall through to the default.
  }
  return DEFAULT_DEVICE_URL;
}

function route(): void {
  const live = location.hash.startsWith('#/live');
  const configure = document.getElementById('page-configure');
  const livePage = document.getElementById('page-live');
  if (configure) configure.hidden = live;
  if (livePage) livePage.hidden = !live;
  for (const a of document.querySelectorAll('nav a')) {
    const current = a.getAttribute('href') === (live ? '#/live' : '#/configure');
    if (current) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

async function main(): Promise<void> {
  const configure = document.getElementById('page-configure');
  const live = document.getElementById('page-live');
  if (!configure || !live) throw new Error('page sections missing from index.html');
  mountConfigure(configure);
  mountLive(live, { defaultUrl: await defaultDeviceUrl() });
  window.addEventListener('hashchange', route);
  route();
  document.body.dataset.ready = 'true';
}

void main();
