// Realistic messages for tests, benchmarks and documentation: the DevKit V1 default setup (LED `status`,
// PWM `fan`, button `boot`, sensor `light`).
import type {
  Capabilities,
  DeviceMessage,
  DeviceStateSnapshot,
  HelloMessage,
  Request,
  SerialMachineLine,
} from './messages';
import { OPS } from './messages';

export const SAMPLE_CAPS: Capabilities = {
  leds: [{ name: 'status', pin: 2 }],
  pwm: [{ name: 'fan', pin: 18, freq: 5000, bits: 8 }],
  buttons: [{ name: 'boot', pin: 4 }],
  sensors: [{ name: 'light', pin: 34, unit: 'lux', maxHz: 50 }],
  ops: [...OPS],
  maxClients: 5,
  maxFrame: 15360,
  legacyText: true,
  auth: false,
};

export const SAMPLE_STATE: DeviceStateSnapshot = {
  leds: { status: false },
  pwm: { fan: { freq: 5000, bits: 8, duty: 0 } },
  buttons: { boot: false },
  sensors: { light: { raw: 1234, value: 301.3 } },
  logLevel: 'info',
};

export const SAMPLE_HELLO: HelloMessage = {
  t: 'hello',
  proto: 1,
  fw: '0.1.0',
  board: 'esp32doit-devkit-v1',
  device: 'esphil-a1b2c3',
  boot: '5f2c9e1a',
  caps: SAMPLE_CAPS,
  state: SAMPLE_STATE,
  seq: 0,
};

/** One of each request op, with typical parameters. */
export const SAMPLE_REQUESTS: readonly Request[] = [
  { id: 1, op: 'ping', ts: 1732570000000 },
  { id: 2, op: 'info' },
  { id: 3, op: 'state.get' },
  { id: 4, op: 'led.set', led: 'status', on: true },
  { id: 5, op: 'led.toggle', led: 'status' },
  { id: 6, op: 'pwm.set', ch: 'fan', duty: 0.5 },
  { id: 7, op: 'pwm.set', ch: 'fan', raw: 255 },
  { id: 8, op: 'pwm.config', ch: 'fan', freq: 25000, bits: 10 },
  { id: 9, op: 'sensor.subscribe', sensor: 'light', hz: 10 },
  { id: 10, op: 'sensor.unsubscribe', sensor: 'light' },
  { id: 11, op: 'reboot' },
  { id: 12, op: 'log.level', level: 'debug' },
  { id: 13, op: 'auth', token: 's3cret-token' },
  { id: 14, op: 'config.set', config: { leds: [{ name: 'status', pin: 2 }] } },
  { id: 15, op: 'config.get' },
];

/** The device messages a client sees most: responses and events, plus a hello. */
export const SAMPLE_DEVICE_MESSAGES: readonly DeviceMessage[] = [
  SAMPLE_HELLO,
  { t: 'auth_required', proto: 1, deadlineMs: 5000 },
  { t: 'res', id: 4, ok: true, result: { led: 'status', on: true } },
  { t: 'res', id: 6, ok: true, result: { ch: 'fan', freq: 5000, bits: 8, duty: 128 } },
  { t: 'res', id: 99, ok: false, error: { code: 'unknown_target', msg: 'no LED named "red"; LEDs: status' } },
  { t: 'evt', seq: 1, ev: 'led', led: 'status', on: true, by: 'ws:0' },
  { t: 'evt', seq: 2, ev: 'pwm', ch: 'fan', freq: 5000, bits: 8, duty: 128, by: 'ws:1' },
  { t: 'evt', seq: 3, ev: 'button', button: 'boot', pressed: true },
  { t: 'evt', seq: 4, ev: 'sensor', sensor: 'light', raw: 2048, value: 500.1 },
  { t: 'evt', seq: 5, ev: 'log', level: 'info', msg: 'client 1 connected from 192.168.1.20' },
];

export const SAMPLE_SERIAL_LINES: readonly SerialMachineLine[] = [
  {
    t: 'boot',
    fw: '0.1.0',
    board: 'esp32doit-devkit-v1',
    device: 'esphil-a1b2c3',
    boot: '5f2c9e1a',
    reason: 'poweron',
  },
  { t: 'wifi', status: 'connecting', ssid: 'lab' },
  { t: 'wifi', status: 'connected', ssid: 'lab', ip: '192.168.1.42' },
  { t: 'ready', ip: '192.168.1.42', port: 81, path: '/', url: 'ws://192.168.1.42:81/', proto: 1 },
  { t: 'res', id: 1, ok: true, result: { uptimeMs: 1200 } },
  { t: 'evt', seq: 1, ev: 'led', led: 'status', on: false, by: 'serial' },
];
