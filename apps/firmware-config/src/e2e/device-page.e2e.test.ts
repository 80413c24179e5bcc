// The page the board serves, opened in Chromium from the simulated board's HTTP port: it connects to the board
// by itself and its LED switch moves the LED line the probe reads (virtual wiring), its slider the PWM line.
import { type SimBench, startSimBench } from '@esphil/sim';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type E2eBrowser, launchChromium } from './browser';

/** DEFAULT_SIM_WIRING: LED 'status' GPIO2 lands on probe D2, PWM 'fan' GPIO18 on probe A0 through RC. */
const LED_PROBE_PIN = 2;
const PWM_PROBE_CHANNEL = 0;

let bench: SimBench;
let browser: E2eBrowser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  bench = await startSimBench({ port: 0, host: '127.0.0.1', latency: 'zero' });
  browser = await launchChromium();
  context = browser.context;
  page = await context.newPage();
  page.on('pageerror', (e) => {
    throw e;
  });
  await page.goto(bench.pageUrl!);
  await page.waitForSelector('body[data-ready="true"]');
});

afterAll(async () => {
  await browser?.close();
  await bench?.close();
});

describe('the page the board serves', () => {
  it('connects by itself to the board it came from', async () => {
    expect(new URL(page.url()).searchParams.get('ws')).toBe(String(bench.dut.port));
    await expect.poll(() => page.getByTestId('conn-status').getAttribute('data-state')).toBe('open');
    expect(await page.getByTestId('conn-status').textContent()).toContain(bench.dut.deviceId);
  });

  it('its LED switch drives the LED line at the probe, both ways', async () => {
    const led = page.getByTestId('led-status');
    await expect.poll(() => led.getAttribute('aria-pressed')).toBe('false');
    expect(bench.wiring.probeDigital(LED_PROBE_PIN)).toBe(0);
    await led.click();
    await expect.poll(() => bench.wiring.probeDigital(LED_PROBE_PIN)).toBe(1);
    await expect.poll(() => led.getAttribute('aria-pressed')).toBe('true');
    await led.click();
    await expect.poll(() => bench.wiring.probeDigital(LED_PROBE_PIN)).toBe(0);
    await expect.poll(() => led.textContent()).toBe('status: OFF');
  });

  it('its PWM slider drives the PWM line and the live sensor value updates', async () => {
    await page.getByTestId('pwm-fan').fill('100');
    // Full duty is a steady high level: the RC node charges towards 3.3 V.
    await expect
      .poll(() => bench.wiring.probeVoltage(PWM_PROBE_CHANNEL) ?? 0, { timeout: 10_000 })
      .toBeGreaterThan(3);
    await expect.poll(() => page.getByTestId('sensor-light-value').getAttribute('data-count')).not.toBeNull();
    expect(await page.getByTestId('device-log').textContent()).toContain('connected to ws://');
  });
});
