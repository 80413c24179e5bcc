/**
 * Hardware rules: what the board's GPIOs and LEDC peripheral allow. Runs on a shape-checked, resolved config;
 * `indexes` maps each entry back to its position in the user's input for the diagnostic path.
 */
import { getBoard, getGpio } from '../boards/profiles';
import type { BoardProfile, GpioInfo } from '../boards/types';
import { allocateLedcOutputs, type LedcRequest } from '../ledc/allocate';
import { ledcMaxBits, ledcProblem } from '../ledc/feasible';
import type { DiagnosticList } from './diagnostics';
import type { TargetKind } from './structure';
import type { ResolvedConfig } from './types';

interface Usage {
  kind: TargetKind;
  name: string;
  pin: number;
  /** Path of the entry, e.g. "pwm[1]". */
  path: string;
}

const KIND_LABEL: Record<TargetKind, string> = {
  leds: 'LED',
  pwm: 'PWM output',
  buttons: 'button',
  sensors: 'sensor',
};

function usable(board: BoardProfile, want: (g: GpioInfo) => boolean): string {
  const pins = board.gpios
    .filter((g) => !g.flash && !g.psram && !g.uart0 && !g.usb && g.exposed && want(g))
    .map((g) => g.gpio);
  return pins.join(', ');
}

export function checkHardware(
  d: DiagnosticList,
  config: ResolvedConfig,
  indexes: Record<TargetKind, number[]>,
): void {
  const board = getBoard(config.board);
  if (!board) return; // shape check already reported it
  const pathOf = (kind: TargetKind, i: number): string => `${kind}[${indexes[kind][i] ?? i}]`;

  const usages: Usage[] = [];
  for (const kind of ['leds', 'pwm', 'buttons', 'sensors'] as const) {
    config[kind].forEach((e, i) => {
      usages.push({ kind, name: e.name, pin: e.pin, path: pathOf(kind, i) });
    });
  }

  // Names are unique across kinds: events and messages name targets without saying their kind.
  const names = new Map<string, Usage>();
  for (const u of usages) {
    const first = names.get(u.name);
    if (first) {
      d.error(
        `${u.path}.name`,
        'name.duplicate',
        `Name '${u.name}' is used by ${KIND_LABEL[first.kind]} ${first.path} (GPIO${first.pin}) and ${KIND_LABEL[u.kind]} ${u.path} (GPIO${u.pin})`,
        `Rename one of them; names must be unique across LEDs, PWM outputs, buttons and sensors.`,
        u.pin,
      );
    } else names.set(u.name, u);
  }

  const owners = new Map<number, Usage>();
  for (const u of usages) {
    const at = `${u.path}.pin`;
    const who = `GPIO${u.pin} (${KIND_LABEL[u.kind]} '${u.name}')`;
    const g = getGpio(board, u.pin);
    if (!g) {
      d.error(
        at,
        'pin.unknown',
        `GPIO${u.pin} does not exist on the ${board.name} (${board.chip}); ${KIND_LABEL[u.kind]} '${u.name}' cannot use it`,
        `Pick one of the board's GPIOs: ${usable(board, () => true)}.`,
        u.pin,
      );
      continue;
    }
    if (g.flash) {
      d.error(
        at,
        'pin.flash',
        `${who} is wired to the SPI flash on the ${board.name}; using it crashes the chip`,
        `Never use the flash pins; pick another GPIO such as ${usable(board, (x) => x.output && !x.strapping)
          .split(', ')
          .slice(0, 6)
          .join(', ')}.`,
        u.pin,
      );
      continue;
    }
    if (g.psram) {
      d.error(
        at,
        'pin.psram',
        `${who} is used by the PSRAM of the ${board.module} on this board`,
        'Pick another GPIO; the PSRAM pins are not free on this module.',
        u.pin,
      );
      continue;
    }
    const first = owners.get(u.pin);
    if (first) {
      d.error(
        at,
        'pin.duplicate',
        `GPIO${u.pin} is used twice: by ${KIND_LABEL[first.kind]} '${first.name}' (${first.path}) and ${KIND_LABEL[u.kind]} '${u.name}' (${u.path})`,
        `Move '${u.name}' to a free GPIO.`,
        u.pin,
      );
      continue;
    }
    owners.set(u.pin, u);
    checkRole(d, board, config, u, g, at, who);
    warnSpecial(d, board, g, at, who);
  }

  checkPwm(d, board, config, pathOf);
  checkWebSocket(d, config);
}

function checkWebSocket(d: DiagnosticList, config: ResolvedConfig): void {
  const ws = config.websocket;
  if (ws.heartbeat && ws.heartbeat.timeoutMs >= ws.heartbeat.intervalMs) {
    d.warn(
      'websocket.heartbeat.timeoutMs',
      'websocket.heartbeat',
      `Heartbeat pong timeout ${ws.heartbeat.timeoutMs} ms is not shorter than the ping interval ${ws.heartbeat.intervalMs} ms`,
      'Use a timeout well below the interval (default 3000 / 15000 ms).',
    );
  }
  if (ws.authToken !== undefined && ws.legacyText && config.leds.length > 0) {
    d.warn(
      'websocket.legacyText',
      'websocket.legacy-auth',
      'Legacy "LED ON"/"LED OFF" clients cannot send a token, so with authToken set they are always refused',
      'Set "legacyText": false, or drop authToken if tutorial clients must work.',
    );
  }
}

function checkRole(
  d: DiagnosticList,
  board: BoardProfile,
  config: ResolvedConfig,
  u: Usage,
  g: GpioInfo,
  at: string,
  who: string,
): void {
  if (u.kind === 'leds' && !g.output) {
    d.error(
      at,
      'pin.input-only',
      `${who} is input-only on the ${board.name} and cannot drive an LED`,
      `Move the LED to an output-capable GPIO (${usable(board, (x) => x.output)
        .split(', ')
        .slice(0, 8)
        .join(', ')}...); GPIO${u.pin} can still serve a button or sensor.`,
      u.pin,
    );
  }
  if (u.kind === 'pwm' && !g.pwm) {
    d.error(
      at,
      'pwm.no-pwm-pin',
      `${who} cannot output PWM on the ${board.name}${g.output ? '' : ' (it is input-only)'}`,
      `Use a PWM-capable GPIO (${usable(board, (x) => x.pwm)
        .split(', ')
        .slice(0, 8)
        .join(', ')}...).`,
      u.pin,
    );
  }
  if (u.kind === 'buttons') {
    const b = config.buttons.find((x) => x.name === u.name);
    if (b && b.pull !== 'none' && !g.pulls) {
      d.error(
        at,
        'pin.no-pull',
        `${who} asks for an internal pull-${b.pull}, but GPIO${u.pin} has no internal pull resistors`,
        `Fit an external 10 kOhm pull-${b.pull} resistor and set "pull": "none", or move the button to a GPIO with pulls.`,
        u.pin,
      );
    }
  }
  if (u.kind === 'sensors') {
    if (!g.adc) {
      d.error(
        at,
        'adc.no-adc-pin',
        `${who} has no ADC channel on the ${board.name}`,
        `Use an ADC1 pin: ${usable(board, (x) => x.adc?.unit === 1)}.`,
        u.pin,
      );
    } else if (g.adc.unit === 2 && config.wifi) {
      d.error(
        at,
        'adc2.wifi',
        `${who} is on ADC2 (channel ${g.adc.channel}), which cannot be read while WiFi is on`,
        `Move the sensor to an ADC1 pin (${usable(board, (x) => x.adc?.unit === 1)}), or set "wifi": false.`,
        u.pin,
      );
    }
  }
}

function warnSpecial(d: DiagnosticList, board: BoardProfile, g: GpioInfo, at: string, who: string): void {
  if (g.strapping) {
    d.warn(
      at,
      'pin.strapping',
      `${who} is a strapping pin: ${g.strapping}`,
      'Allowed, but make sure nothing attached pulls it the wrong way during reset; prefer another GPIO if one is free.',
      g.gpio,
    );
  }
  if (g.uart0) {
    d.warn(
      at,
      'pin.uart0',
      `${who} is UART0 ${g.uart0}, the USB serial console used for logs, flashing and config.set`,
      'Avoid it unless you give up the serial console; pick another GPIO.',
      g.gpio,
    );
  }
  if (g.usb) {
    d.warn(
      at,
      'pin.usb',
      `${who} is the native USB ${g.usb} line; using it drops the USB serial/JTAG connection`,
      'Pick another GPIO unless the board is programmed over UART.',
      g.gpio,
    );
  }
  if (g.psramOnVariants) {
    d.warn(
      at,
      'pin.psram-variant',
      `${who} is used by PSRAM on ${board.name} variants with a PSRAM module (WROVER / R8)`,
      'Fine on a module without PSRAM; pick another GPIO if yours has PSRAM.',
      g.gpio,
    );
  }
  if (!g.exposed) {
    d.warn(
      at,
      'pin.not-exposed',
      `${who} is not broken out on the ${board.name} headers${g.note ? ` (${g.note})` : ''}`,
      'You will need to solder to the module; pick a header pin if you can.',
      g.gpio,
    );
  }
}

function checkPwm(
  d: DiagnosticList,
  board: BoardProfile,
  config: ResolvedConfig,
  pathOf: (kind: TargetKind, i: number) => string,
): void {
  const requests: LedcRequest[] = [];
  const requestIndex: number[] = [];
  config.pwm.forEach((p, i) => {
    const problem = ledcProblem(p.freq, p.bits, board.ledc);
    if (problem) {
      const maxBits = ledcMaxBits(p.freq, board.ledc);
      d.error(
        `${pathOf('pwm', i)}.bits`,
        'pwm.infeasible',
        `PWM '${p.name}' (GPIO${p.pin}): ${problem}`,
        maxBits > 0
          ? `At ${p.freq} Hz use at most ${maxBits} bits, or lower the frequency (limit: freq x 2^bits <= ${board.ledc.clockHz / 1e6} MHz, bits 1..${board.ledc.maxBits}).`
          : `Lower the frequency to at most ${board.ledc.clockHz / 2} Hz.`,
        p.pin,
      );
    } else if (p.initialDuty > 2 ** p.bits - 1) {
      d.error(
        `${pathOf('pwm', i)}.initialDuty`,
        'pwm.duty-range',
        `PWM '${p.name}' (GPIO${p.pin}): initialDuty ${p.initialDuty} exceeds ${2 ** p.bits - 1}, the maximum at ${p.bits} bits`,
        `Use 0..${2 ** p.bits - 1} (the maximum means 100 %).`,
        p.pin,
      );
    }
    const r: LedcRequest = { name: p.name, pin: p.pin, freq: p.freq, bits: p.bits };
    if (p.channel !== undefined) r.channel = p.channel;
    requests.push(r);
    requestIndex.push(i);
  });
  const alloc = allocateLedcOutputs(requests, board.ledc, config.core, (i, field) => {
    const base = pathOf('pwm', requestIndex[i] ?? i);
    return field ? `${base}.${field}` : base;
  });
  d.push(...alloc.diagnostics);
}
