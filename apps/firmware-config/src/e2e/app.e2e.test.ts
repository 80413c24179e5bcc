import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect, type DeviceClient } from '@esphil/client';
import { dutyToRaw } from '@esphil/device-model';
import { type SimBench, startSimBench } from '@esphil/sim';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type E2eBrowser, launchChromium } from './browser';
import { type StaticServer, serveStatic } from './static-server';

const appDir = fileURLToPath(new URL('../..', import.meta.url));
const webDir = join(appDir, 'dist/web');
const artifacts = join(appDir, 'e2e-artifacts');

let bench: SimBench;
let server: StaticServer;
let browser: E2eBrowser;
let context: BrowserContext;
let page: Page;
let observer: DeviceClient;

beforeAll(async () => {
  if (!existsSync(join(webDir, 'index.html'))) {
    throw new Error(
      `The built web app is missing (${webDir}). Run \`pnpm --filter @esphil/firmware-config build\` first.`,
    );
  }
  mkdirSync(artifacts, { recursive: true });
  bench = await startSimBench({ port: 0, host: '127.0.0.1' });
  await bench.dut.waitForPhase('running');
  observer = await connect(bench.url);
  server = await serveStatic(webDir);
  browser = await launchChromium();
  context = browser.context;
  page = await context.newPage();
  page.on('pageerror', (e) => {
    throw e;
  });
  await page.goto(`${server.url}/?device=${encodeURIComponent(bench.url)}#/configure`);
  await page.waitForSelector('body[data-ready="true"]');
});

afterAll(async () => {
  await browser?.close();
  await observer?.close();
  await server?.close();
  await bench?.close();
});

describe('Configure page', () => {
  it('shows the board pin map with the starter pins assigned', async () => {
    const map = page.getByTestId('pinmap');
    await expect.poll(() => map.locator('svg').count()).toBe(1);
    expect(await page.getByTestId('pin-2').getAttribute('data-role')).toBe('led');
    expect(await page.getByTestId('pin-18').getAttribute('data-role')).toBe('pwm');
    expect(await page.getByTestId('diag-summary').textContent()).toMatch(/0 error\(s\), 1 warning\(s\)/);
  });

  it('assigning a pin offers only its roles and shows the diagnostic', async () => {
    await page.getByTestId('pin-35').click();
    expect(await page.getByTestId('pin-title').textContent()).toBe('GPIO35');
    const roles = await page.getByTestId('role-select').locator('option').allTextContents();
    // GPIO35 is input-only: no LED, no PWM.
    expect(roles).toEqual(['none', 'Button', 'Sensor']);
    await page.getByTestId('role-select').selectOption('button');
    const diag = page.locator('[data-testid="diagnostic"][data-code="pin.no-pull"]');
    await expect.poll(() => diag.count()).toBe(1);
    expect(await diag.getAttribute('data-severity')).toBe('error');
    expect(await diag.textContent()).toContain('GPIO35');
    expect(await page.getByTestId('pin-35').getAttribute('class')).toContain('pin-error');
    expect(await page.getByTestId('export-header').isDisabled()).toBe(true);
    await page.screenshot({ path: join(artifacts, 'configure-diagnostic.png'), fullPage: true });
  });

  it('diagnostics update as the config text is edited', async () => {
    const editor = page.getByTestId('config-editor');
    const text = await editor.inputValue();
    await editor.fill(`${text.slice(0, 20)}`);
    await expect.poll(() => page.getByTestId('syntax-error').count()).toBe(1);
    await editor.fill(
      text.replace('"pull": "up"', '"pull": "none"').replace(/"pin": 35\n/, '"pin": 35, "pull": "none"\n'),
    );
    await expect.poll(() => page.getByTestId('syntax-error').count()).toBe(0);
    await expect.poll(() => page.locator('[data-code="pin.no-pull"]').count()).toBe(0);
  });

  it('imports a YAML config file', async () => {
    await page.getByTestId('import-file').setInputFiles({
      name: 'bench.yaml',
      mimeType: 'text/yaml',
      buffer: Buffer.from('version: 1\nboard: esp32-devkitc\nleds:\n  - name: alarm\n    pin: 23\n'),
    });
    await expect.poll(() => page.getByTestId('board-select').inputValue()).toBe('esp32-devkitc');
    expect(await page.getByTestId('pin-23').getAttribute('data-name')).toBe('alarm');
    expect(await page.getByTestId('diag-summary').textContent()).toBe('No problems.');
    // Back to the DOIT starter with the button on GPIO35, for the export below.
    await page.getByTestId('board-select').selectOption('esp32-doit-devkit-v1');
    await page.getByTestId('pin-35').click();
    await page.getByTestId('role-select').selectOption('button');
    const editor = page.getByTestId('config-editor');
    await editor.fill((await editor.inputValue()).replace(/"pin": 35\n/, '"pin": 35, "pull": "none"\n'));
    await expect.poll(() => page.locator('[data-code="pin.no-pull"]').count()).toBe(0);
  });

  it('exports device_config.h as a download', async () => {
    expect(await page.getByTestId('export-header').isDisabled()).toBe(false);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('export-header').click(),
    ]);
    expect(download.suggestedFilename()).toBe('device_config.h');
    const path = await download.path();
    const header = readFileSync(path, 'utf8');
    expect(header).toContain('static const char ESPHIL_DEVICE_CONFIG_JSON[]');
    expect(header).toContain('#define ESPHIL_CFG_BUTTON_BUTTON1_PIN 35');
    expect(header).toContain('#define ESPHIL_CFG_PWM_FAN_CHANNEL 0');
    await page.getByTestId('pin-35').click();
    await page.screenshot({ path: join(artifacts, 'configure.png'), fullPage: true });
  });
});

describe('Live page', () => {
  it('connects to the simulator', async () => {
    await page.getByTestId('nav-live').click();
    expect(await page.getByTestId('device-url').inputValue()).toBe(bench.url);
    await page.getByTestId('connect').click();
    await expect.poll(() => page.getByTestId('conn-status').getAttribute('data-state')).toBe('open');
    expect(await page.getByTestId('device-info').textContent()).toContain('esp32-doit-devkit-v1');
  });

  it('toggling the LED changes the simulated device (state and the probe-side line)', async () => {
    expect(observer.state.leds.status).toBe(false);
    await page.getByTestId('led-status').click();
    await expect.poll(() => observer.state.leds.status).toBe(true);
    expect(bench.wiring.probeDigital(2)).toBe(1);
    await expect.poll(() => page.getByTestId('led-status').getAttribute('aria-pressed')).toBe('true');
  });

  it('moving a PWM slider changes the duty in the simulator', async () => {
    await page.getByTestId('pwm-fan').fill('75');
    // 10-bit fan: 75 % as the device model converts it.
    const raw = dutyToRaw(0.75, 10);
    await expect.poll(() => observer.state.pwm.fan?.duty).toBe(raw);
    // Through the RC filter the probe's analog pin settles near 0.75 x 3.3 V.
    await expect
      .poll(() => bench.wiring.probeVoltage(0) ?? 0, { timeout: 5000 })
      .toBeGreaterThan(0.75 * 3.3 - 0.15);
    expect(bench.wiring.probeVoltage(0)).toBeLessThan(0.75 * 3.3 + 0.15);
    await expect.poll(() => page.getByTestId('pwm-fan-value').textContent()).toContain(`raw ${raw}/1023`);
  });

  it('sensor values arrive and are charted; latency is measured', async () => {
    // The probe drives the light sensor's line (PWM through an RC filter): about 60 % of 3.3 V.
    bench.wiring.setProbeOutput(5, { pwm: 0.6 });
    const value = page.getByTestId('sensor-light-value');
    await expect
      .poll(async () => Number(await value.getAttribute('data-count')), { timeout: 10_000 })
      .toBeGreaterThan(3);
    await expect
      .poll(async () => Number((await value.textContent())?.match(/^light: ([\d.]+) V/)?.[1]), {
        timeout: 10_000,
      })
      .toBeGreaterThan(1.5);
    await expect
      .poll(() => page.getByTestId('latency').textContent(), { timeout: 10_000 })
      .toMatch(/ms round trip/);
    await page.screenshot({ path: join(artifacts, 'live.png'), fullPage: true });
  });

  it('says when it reconnects after the device resets', async () => {
    await bench.dut.reset();
    await expect
      .poll(() => page.getByTestId('conn-status').textContent(), { timeout: 15_000 })
      .toMatch(/reconnected after \d+ ms \(the device rebooted\)/);
    expect(await page.getByTestId('device-log').textContent()).toContain('connection lost');
  });
});
