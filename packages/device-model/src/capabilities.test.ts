import { MAX_FRAME_BYTES, OPS } from '@esphil/protocol';
import { expect, it } from 'vitest';
import { deriveCapabilities } from './capabilities';
import { starterConfig } from './config/starter';

it('derives caps from the starter config with defaults filled in', () => {
  expect(deriveCapabilities(starterConfig('esp32-doit-devkit-v1'))).toEqual({
    leds: [{ name: 'status', pin: 2 }],
    pwm: [{ name: 'fan', pin: 18, freq: 5000, bits: 10 }],
    buttons: [{ name: 'boot', pin: 4 }],
    sensors: [{ name: 'light', pin: 34, unit: 'V', maxHz: 50 }],
    ops: [...OPS],
    maxClients: 5,
    maxFrame: MAX_FRAME_BYTES,
    legacyText: true,
    auth: false,
  });
});

it('auth follows the token; legacy text needs an LED and the flag', () => {
  const c = deriveCapabilities({
    version: 1,
    board: 'esp32-devkitc',
    websocket: { authToken: 't-0123456789abcdef', maxClients: 2 },
  });
  expect(c).toMatchObject({ auth: true, legacyText: false, maxClients: 2, pwm: [] });
  const off = deriveCapabilities({ ...starterConfig('esp32-devkitc'), websocket: { legacyText: false } });
  expect(off.legacyText).toBe(false);
});
