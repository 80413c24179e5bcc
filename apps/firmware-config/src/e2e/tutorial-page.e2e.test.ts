// The tutorial's own page, plain JavaScript as the tutorial writes it (open a WebSocket, send `LED ON` / `LED OFF`,
// show event.data), in Chromium: against the simulated board running the tutorial sketch (`--firmware tutorial`),
// and unmodified against the esphil simulated board, where its unmarked connection is in legacy mode
// (PROTOCOL.md 9): it must show tutorial text only, also when another client changes the LED.
import { connect, type DeviceClient } from '@esphil/client';
import { type SimBench, startSimBench, startTutorialBench, type TutorialBench } from '@esphil/sim';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type E2eBrowser, launchChromium } from './browser';

/** DEFAULT_SIM_WIRING: the tutorial LED (GPIO2, the esphil board's `status`) lands on probe D2. */
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

let browser: E2eBrowser;
let context: BrowserContext;

beforeAll(async () => {
  browser = await launchChromium();
  context = browser.context;
});

afterAll(async () => {
  await browser?.close();
});

async function openPage(url: string): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (e) => {
    throw e;
  });
  await page.setContent(tutorialPage(url));
  await expect.poll(() => page.locator('#status').textContent()).toBe('connected');
  return page;
}

const log = (page: Page): Promise<string[]> => page.locator('#log li').allTextContents();

describe("the tutorial's page against the simulated tutorial sketch", () => {
  let bench: TutorialBench;
  beforeAll(async () => {
    bench = await startTutorialBench({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await bench?.close();
  });

  it('shows only tutorial text while its buttons drive the LED line', async () => {
    const page = await openPage(bench.url);
    await page.locator('#on').click();
    await expect.poll(() => page.locator('#status').textContent()).toBe('LED is now ON');
    expect(bench.wiring.probeDigital(LED_PROBE_PIN)).toBe(1);
    await page.locator('#off').click();
    await expect.poll(() => page.locator('#status').textContent()).toBe('LED is now OFF');
    expect(bench.wiring.probeDigital(LED_PROBE_PIN)).toBe(0);
    expect(await log(page)).toEqual(['LED is now ON', 'LED is now OFF']);
    await page.close();
  });
});

describe("the tutorial's page, unmodified, against the esphil simulated board", () => {
  let bench: SimBench;
  let json: DeviceClient | undefined;
  beforeAll(async () => {
    bench = await startSimBench({ host: '127.0.0.1', port: 0, latency: 'zero' });
  });
  afterAll(async () => {
    await json?.close();
    await bench?.close();
  });

  it('shows only tutorial text: its own answers and the LED changes another client makes', async () => {
    const page = await openPage(bench.url);
    await page.locator('#on').click();
    await expect.poll(() => page.locator('#status').textContent()).toBe('LED is now ON');
    expect(bench.wiring.probeDigital(LED_PROBE_PIN)).toBe(1);
    await page.locator('#off').click();
    await expect.poll(() => page.locator('#status').textContent()).toBe('LED is now OFF');
    expect(bench.wiring.probeDigital(LED_PROBE_PIN)).toBe(0);

    // Another client (the esphil client: its URL carries ?esphil, so it got hello) changes the LED and the PWM.
    json = await connect(bench.url, { heartbeat: false, reconnect: false });
    expect(json.hello.caps.legacyText).toBe(true);
    await json.ledSet('status', true);
    await expect.poll(() => page.locator('#status').textContent()).toBe('LED is now ON');
    await json.pwmSet('fan', { duty: 0.5 });
    await json.ledToggle('status');
    // The PWM event would have reached the page before this text: the log proves nothing else arrived.
    await expect
      .poll(() => log(page))
      .toEqual(['LED is now ON', 'LED is now OFF', 'LED is now ON', 'LED is now OFF']);
    expect(bench.wiring.probeDigital(LED_PROBE_PIN)).toBe(0);
    await page.close();
  });
});
