import {
  DEFAULT_BUTTON_ACTIVE_LOW,
  DEFAULT_BUTTON_PULL,
  DEFAULT_CORE,
  DEFAULT_DEBOUNCE_MS,
  DEFAULT_DEVICE_NAME,
  DEFAULT_LED_ACTIVE_LOW,
  DEFAULT_LED_INITIAL,
  DEFAULT_LOG_LEVEL,
  DEFAULT_PWM_BITS,
  DEFAULT_PWM_FREQ,
  DEFAULT_PWM_INITIAL_DUTY,
  DEFAULT_SENSOR_KIND,
  DEFAULT_SENSOR_MAX_HZ,
  DEFAULT_SENSOR_OFFSET,
  DEFAULT_SENSOR_SCALE,
  DEFAULT_SENSOR_UNIT,
  DEFAULT_WEBSOCKET,
  DEFAULT_WIFI,
} from './defaults';
import type { DeviceConfig, ResolvedConfig, ResolvedPwmConfig, ResolvedWebSocketConfig } from './types';

/**
 * Fills every default. Does not validate: call validateConfig for untrusted input (it returns the resolved
 * config when there are no errors). Returns fresh objects; the input is not touched.
 */
export function resolveConfig(config: DeviceConfig | ResolvedConfig): ResolvedConfig {
  const ws = config.websocket ?? {};
  const websocket: ResolvedWebSocketConfig = {
    port: ws.port ?? DEFAULT_WEBSOCKET.port,
    path: ws.path ?? DEFAULT_WEBSOCKET.path,
    protocol: ws.protocol ?? DEFAULT_WEBSOCKET.protocol,
    maxClients: ws.maxClients ?? DEFAULT_WEBSOCKET.maxClients,
    heartbeat: ws.heartbeat === false ? false : { ...(ws.heartbeat ?? DEFAULT_WEBSOCKET.heartbeat) },
    authDeadlineMs: ws.authDeadlineMs ?? DEFAULT_WEBSOCKET.authDeadlineMs,
    allowedOrigins: [...(ws.allowedOrigins ?? DEFAULT_WEBSOCKET.allowedOrigins)],
    legacyText: ws.legacyText ?? DEFAULT_WEBSOCKET.legacyText,
  };
  if (ws.authToken !== undefined) websocket.authToken = ws.authToken;
  return {
    version: 1,
    board: config.board,
    core: config.core ?? DEFAULT_CORE,
    name: config.name ?? DEFAULT_DEVICE_NAME,
    wifi: config.wifi ?? DEFAULT_WIFI,
    leds: (config.leds ?? []).map((l) => ({
      name: l.name,
      pin: l.pin,
      activeLow: l.activeLow ?? DEFAULT_LED_ACTIVE_LOW,
      initial: l.initial ?? DEFAULT_LED_INITIAL,
    })),
    pwm: (config.pwm ?? []).map((p) => {
      const out: ResolvedPwmConfig = {
        name: p.name,
        pin: p.pin,
        freq: p.freq ?? DEFAULT_PWM_FREQ,
        bits: p.bits ?? DEFAULT_PWM_BITS,
        initialDuty: p.initialDuty ?? DEFAULT_PWM_INITIAL_DUTY,
      };
      if (p.channel !== undefined) out.channel = p.channel;
      return out;
    }),
    buttons: (config.buttons ?? []).map((b) => ({
      name: b.name,
      pin: b.pin,
      pull: b.pull ?? DEFAULT_BUTTON_PULL,
      activeLow: b.activeLow ?? DEFAULT_BUTTON_ACTIVE_LOW,
      debounceMs: b.debounceMs ?? DEFAULT_DEBOUNCE_MS,
    })),
    sensors: (config.sensors ?? []).map((s) => ({
      name: s.name,
      pin: s.pin,
      kind: s.kind ?? DEFAULT_SENSOR_KIND,
      unit: s.unit ?? DEFAULT_SENSOR_UNIT,
      scale: s.scale ?? DEFAULT_SENSOR_SCALE,
      offset: s.offset ?? DEFAULT_SENSOR_OFFSET,
      maxHz: s.maxHz ?? DEFAULT_SENSOR_MAX_HZ,
    })),
    websocket,
    logLevel: config.logLevel ?? DEFAULT_LOG_LEVEL,
  };
}
