import type { DeviceStateSnapshot, Event, Op, ResultByOp } from '@esphil/protocol';
import type { StateChange } from './events';

export function cloneState(s: DeviceStateSnapshot): DeviceStateSnapshot {
  return {
    leds: { ...s.leds },
    pwm: Object.fromEntries(Object.entries(s.pwm).map(([k, v]) => [k, { ...v }])),
    buttons: { ...s.buttons },
    sensors: Object.fromEntries(Object.entries(s.sensors).map(([k, v]) => [k, { ...v }])),
    logLevel: s.logLevel,
  };
}

export function emptyState(): DeviceStateSnapshot {
  return { leds: {}, pwm: {}, buttons: {}, sensors: {}, logLevel: 'info' };
}

/** Applies one device event to the mirror in place. */
export function applyEvent(state: DeviceStateSnapshot, e: Event): void {
  switch (e.ev) {
    case 'led':
      state.leds[e.led] = e.on;
      break;
    case 'pwm':
      state.pwm[e.ch] = { freq: e.freq, bits: e.bits, duty: e.duty };
      break;
    case 'button':
      state.buttons[e.button] = e.pressed;
      break;
    case 'sensor':
      state.sensors[e.sensor] = { raw: e.raw, value: e.value };
      break;
    case 'log':
      break;
  }
}

/** Applies an ok response to the mirror, so the caller sees its own change even if the device sends no event to the sender. */
export function applyResult<O extends Op>(state: DeviceStateSnapshot, op: O, result: ResultByOp[O]): void {
  const r = result as ResultByOp[Op];
  switch (op) {
    case 'led.set':
    case 'led.toggle': {
      const v = r as ResultByOp['led.set'];
      state.leds[v.led] = v.on;
      break;
    }
    case 'pwm.set':
    case 'pwm.config': {
      const v = r as ResultByOp['pwm.set'];
      state.pwm[v.ch] = { freq: v.freq, bits: v.bits, duty: v.duty };
      break;
    }
    case 'log.level':
      state.logLevel = (r as ResultByOp['log.level']).level;
      break;
    case 'state.get': {
      const v = r as ResultByOp['state.get'];
      Object.assign(state, cloneState(v));
      break;
    }
    default:
      break;
  }
}

function keys(a: object, b: object): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
}

/** Differences a reconnect reveals (sensor readings excluded: they change continuously). */
export function diffState(before: DeviceStateSnapshot, after: DeviceStateSnapshot): StateChange[] {
  const out: StateChange[] = [];
  for (const name of keys(before.leds, after.leds)) {
    if (before.leds[name] !== after.leds[name]) {
      out.push({ kind: 'led', name, before: before.leds[name], after: after.leds[name] });
    }
  }
  for (const name of keys(before.pwm, after.pwm)) {
    const b = before.pwm[name];
    const a = after.pwm[name];
    if (b?.duty !== a?.duty || b?.freq !== a?.freq || b?.bits !== a?.bits) {
      out.push({ kind: 'pwm', name, before: b && { ...b }, after: a && { ...a } });
    }
  }
  for (const name of keys(before.buttons, after.buttons)) {
    if (before.buttons[name] !== after.buttons[name]) {
      out.push({ kind: 'button', name, before: before.buttons[name], after: after.buttons[name] });
    }
  }
  if (before.logLevel !== after.logLevel) {
    out.push({ kind: 'logLevel', name: 'logLevel', before: before.logLevel, after: after.logLevel });
  }
  return out;
}
