import { type Capabilities, MAX_FRAME_BYTES, OPS } from '@esphil/protocol';
import { resolveConfig } from './config/resolve';
import type { DeviceConfig, ResolvedConfig } from './config/types';

/** What the device announces in hello.caps for a config (boot-time PWM setup; state carries live values). */
export function deriveCapabilities(config: DeviceConfig | ResolvedConfig): Capabilities {
  const c = resolveConfig(config);
  return {
    leds: c.leds.map((l) => ({ name: l.name, pin: l.pin })),
    pwm: c.pwm.map((p) => ({ name: p.name, pin: p.pin, freq: p.freq, bits: p.bits })),
    buttons: c.buttons.map((b) => ({ name: b.name, pin: b.pin })),
    sensors: c.sensors.map((s) => ({ name: s.name, pin: s.pin, unit: s.unit, maxHz: s.maxHz })),
    ops: [...OPS],
    maxClients: c.websocket.maxClients,
    maxFrame: MAX_FRAME_BYTES,
    legacyText: c.websocket.legacyText && c.leds.length > 0,
    auth: c.websocket.authToken !== undefined,
  };
}
