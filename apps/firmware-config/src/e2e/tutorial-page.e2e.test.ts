// The tutorial's own page, plain JavaScript as the tutorial writes it (open a WebSocket, send `LED ON` / `LED OFF`,
// show event.data), in Chromium against the simulated board running the tutorial sketch (`--firmware tutorial`).
import { startTutorialBench, type TutorialBench } from '@esphil/sim';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './browser';

/** DEFAULT_SIM_WIRING: the tutorial LED (GPIO2) lands on probe D2. */
const LED_PROBE_PIN = 2;

const tutorialPage = (url: string): string => `<!doctype html>
<html><body>
  <button id="on">LED ON</button> <button id="off">LED OFF</button>
  <div id="status">connecting</div>
  <ul id="log"></ul>
  <script>
    var socket = new WebSocket(${JSON.stringify(url)});
    socket.onopen = function () { document.getElementById('status').textContent = 'connected'; };
    socket.onmessage = function (event) {
      document.getElementById('status').textContent = event.data;
      var li = document.createElement('li');
      li.textContent = event.data;
      document.getElementById('log').appendChild(li);
    };
    document.getElementById('on').onclick = function () { socket.send('LED ON'); };
    document.getElementById('off').onclick = function () { socket.send('LED OFF'); };
  </script>
</body></html>`;

let bench: TutorialBench;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  bench = await startTutorialBench({ host: '127.0.0.1', port: 0 });
  ({ context } = await launchChromium());
  page = await context.newPage();
  page.on('pageerror', (e) => {
    throw e;
  });
  await page.setContent(tutorialPage(bench.url));
});

afterAll(async () => {
  await context?.close();
  await bench?.close();
});

describe("the tutorial's page against the simulated tutorial sketch", () => {
  it('shows only tutorial text while its buttons drive the LED line', async () => {
    await expect.poll(() => page.locator('#status').textContent()).toBe('connected');
    await page.locator('#on').click();
    await expect.poll(() => page.locator('#status').textContent()).toBe('LED is now ON');
    expect(bench.wiring.probeDigital(LED_PROBE_PIN)).toBe(1);
    await page.locator('#off').click();
    await expect.poll(() => page.locator('#status').textContent()).toBe('LED is now OFF');
    expect(bench.wiring.probeDigital(LED_PROBE_PIN)).toBe(0);
    expect(await page.locator('#log li').allTextContents()).toEqual(['LED is now ON', 'LED is now OFF']);
  });
});
