/**
 * Shape checks for untrusted config input: every field's type and range, with a JSON path.
 * Entries with shape errors are left out of the returned config so the hardware rules only see sound entries.
 */
import { LOG_LEVELS, MIN_SENSOR_HZ } from '@esphil/protocol';
import { BOARD_IDS } from '../boards/profiles';
import { CONFIG_LIMITS, DEVICE_NAME_PATTERN, TARGET_NAME_PATTERN } from './defaults';
import type { DiagnosticList } from './diagnostics';
import { unknownKeyHint } from './suggest';
import type {
  ButtonConfig,
  DeviceConfig,
  LedConfig,
  PwmConfig,
  SensorConfig,
  WebSocketConfig,
} from './types';

export type TargetKind = 'leds' | 'pwm' | 'buttons' | 'sensors';
export const TARGET_KINDS: readonly TargetKind[] = ['leds', 'pwm', 'buttons', 'sensors'];

export interface ShapeResult {
  /** Present when board and version are sound (entries with errors dropped). */
  config?: DeviceConfig;
  /** Original index of each kept entry, per list. */
  indexes: Record<TargetKind, number[]>;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const describe = (v: unknown): string =>
  v === null
    ? 'null'
    : Array.isArray(v)
      ? 'an array'
      : typeof v === 'string'
        ? `"${v.slice(0, 40)}"`
        : typeof v === 'object'
          ? 'an object'
          : String(v);

/** Field checker for one object; records errors and tracks whether the object is sound. */
class Fields {
  ok = true;
  constructor(
    private readonly d: DiagnosticList,
    private readonly obj: Obj,
    private readonly path: string,
    allowed: readonly string[],
  ) {
    // An error, not a warning: a misspelt `buttns:` would otherwise generate firmware without buttons.
    for (const key of Object.keys(obj)) {
      if (!allowed.includes(key)) {
        d.error(this.at(key), 'config.unknown-key', `Unknown key '${key}'`, unknownKeyHint(key, allowed));
      }
    }
  }

  at(key: string): string {
    return this.path ? `${this.path}.${key}` : key;
  }

  private fail(key: string, code: string, message: string, hint: string): undefined {
    this.ok = false;
    this.d.error(this.at(key), code, message, hint);
    return undefined;
  }

  has(key: string): boolean {
    return this.obj[key] !== undefined;
  }

  int(key: string, min: number, max: number, required = false): number | undefined {
    const v = this.obj[key];
    if (v === undefined) {
      return required
        ? this.fail(key, 'config.missing', `'${this.at(key)}' is required`, `Add an integer ${min}..${max}.`)
        : undefined;
    }
    if (typeof v !== 'number' || !Number.isInteger(v)) {
      return this.fail(
        key,
        'config.type',
        `'${this.at(key)}' must be an integer, got ${describe(v)}`,
        `Use a whole number ${min}..${max}.`,
      );
    }
    if (v < min || v > max) {
      return this.fail(
        key,
        'config.range',
        `'${this.at(key)}' is ${v}, outside ${min}..${max}`,
        `Use a value from ${min} to ${max}.`,
      );
    }
    return v;
  }

  num(key: string, min: number, max: number, exclusiveMin = false): number | undefined {
    const v = this.obj[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      return this.fail(
        key,
        'config.type',
        `'${this.at(key)}' must be a finite number, got ${describe(v)}`,
        'Use a plain number.',
      );
    }
    if (v < min || v > max || (exclusiveMin && v === min)) {
      const range = `${exclusiveMin ? `more than ${min}` : `at least ${min}`} and at most ${max}`;
      return this.fail(
        key,
        'config.range',
        `'${this.at(key)}' is ${v}; it must be ${range}`,
        `Use a value ${range}.`,
      );
    }
    return v;
  }

  bool(key: string): boolean | undefined {
    const v = this.obj[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'boolean') {
      return this.fail(
        key,
        'config.type',
        `'${this.at(key)}' must be true or false, got ${describe(v)}`,
        'Use true or false.',
      );
    }
    return v;
  }

  str(
    key: string,
    maxLength: number,
    pattern?: RegExp,
    patternHint?: string,
    minLength = 1,
  ): string | undefined {
    const v = this.obj[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'string') {
      return this.fail(
        key,
        'config.type',
        `'${this.at(key)}' must be a string, got ${describe(v)}`,
        'Use a string.',
      );
    }
    if (v.length < minLength || v.length > maxLength) {
      return this.fail(
        key,
        'config.range',
        `'${this.at(key)}' must be ${minLength}..${maxLength} characters (got ${v.length})`,
        v.length > maxLength
          ? `Shorten it to at most ${maxLength} characters.`
          : `Use at least ${minLength} characters.`,
      );
    }
    if (pattern && !pattern.test(v)) {
      return this.fail(
        key,
        'config.format',
        `'${this.at(key)}' is ${describe(v)}, which is not allowed`,
        patternHint ?? 'Check the format.',
      );
    }
    return v;
  }

  oneOf<T extends string>(key: string, values: readonly T[]): T | undefined {
    const v = this.obj[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || !values.includes(v as T)) {
      return this.fail(
        key,
        'config.enum',
        `'${this.at(key)}' is ${describe(v)}; expected one of ${values.join(', ')}`,
        `Use one of: ${values.join(', ')}.`,
      );
    }
    return v as T;
  }

  name(): string | undefined {
    const v = this.obj.name;
    if (v === undefined)
      return this.fail(
        'name',
        'config.missing',
        `'${this.at('name')}' is required`,
        'Add a name such as "status".',
      );
    if (typeof v !== 'string' || !TARGET_NAME_PATTERN.test(v)) {
      return this.fail(
        'name',
        'name.invalid',
        `'${this.at('name')}' is ${describe(v)}: names are 1-16 characters of a-z, 0-9, '_' and '-', starting with a letter`,
        'Use a short lowercase name such as "status" or "fan_1".',
      );
    }
    return v;
  }
}

/** Any non-negative integer is shaped right; the board rules say which GPIOs exist (pin.unknown). */
const MAX_GPIO_NUMBER = 65_535;

function pin(f: Fields): number | undefined {
  return f.int('pin', 0, MAX_GPIO_NUMBER, true);
}

function checkLed(f: Fields): LedConfig | undefined {
  const name = f.name();
  const p = pin(f);
  const activeLow = f.bool('activeLow');
  const initial = f.bool('initial');
  if (!f.ok || name === undefined || p === undefined) return undefined;
  const out: LedConfig = { name, pin: p };
  if (activeLow !== undefined) out.activeLow = activeLow;
  if (initial !== undefined) out.initial = initial;
  return out;
}

function checkPwm(f: Fields): PwmConfig | undefined {
  const name = f.name();
  const p = pin(f);
  // Feasibility against the chip comes later (pwm.infeasible); here only sane numbers.
  const freq = f.int('freq', 1, 40_000_000);
  const bits = f.int('bits', 1, 20);
  const initialDuty = f.int('initialDuty', 0, 2 ** 20 - 1);
  const channel = f.int('channel', 0, 15);
  if (!f.ok || name === undefined || p === undefined) return undefined;
  const out: PwmConfig = { name, pin: p };
  if (freq !== undefined) out.freq = freq;
  if (bits !== undefined) out.bits = bits;
  if (initialDuty !== undefined) out.initialDuty = initialDuty;
  if (channel !== undefined) out.channel = channel;
  return out;
}

function checkButton(f: Fields): ButtonConfig | undefined {
  const name = f.name();
  const p = pin(f);
  const pull = f.oneOf('pull', ['up', 'down', 'none'] as const);
  const activeLow = f.bool('activeLow');
  const debounceMs = f.int('debounceMs', 0, CONFIG_LIMITS.maxDebounceMs);
  if (!f.ok || name === undefined || p === undefined) return undefined;
  const out: ButtonConfig = { name, pin: p };
  if (pull !== undefined) out.pull = pull;
  if (activeLow !== undefined) out.activeLow = activeLow;
  if (debounceMs !== undefined) out.debounceMs = debounceMs;
  return out;
}

function checkSensor(f: Fields): SensorConfig | undefined {
  const name = f.name();
  const p = pin(f);
  const kind = f.oneOf('kind', ['adc'] as const);
  const unit = f.str('unit', CONFIG_LIMITS.maxUnitLength);
  const scale = f.num('scale', -1e9, 1e9);
  const offset = f.num('offset', -1e9, 1e9);
  const maxHz = f.num('maxHz', MIN_SENSOR_HZ, CONFIG_LIMITS.maxSensorHz);
  if (!f.ok || name === undefined || p === undefined) return undefined;
  const out: SensorConfig = { name, pin: p };
  if (kind !== undefined) out.kind = kind;
  if (unit !== undefined) out.unit = unit;
  if (scale !== undefined) out.scale = scale;
  if (offset !== undefined) out.offset = offset;
  if (maxHz !== undefined) out.maxHz = maxHz;
  return out;
}

const ENTRY_KEYS: Record<TargetKind, readonly string[]> = {
  leds: ['name', 'pin', 'activeLow', 'initial'],
  pwm: ['name', 'pin', 'freq', 'bits', 'initialDuty', 'channel'],
  buttons: ['name', 'pin', 'pull', 'activeLow', 'debounceMs'],
  sensors: ['name', 'pin', 'kind', 'unit', 'scale', 'offset', 'maxHz'],
};
const ENTRY_CHECK = { leds: checkLed, pwm: checkPwm, buttons: checkButton, sensors: checkSensor };

function checkWebSocket(d: DiagnosticList, v: unknown): WebSocketConfig | undefined {
  if (!isObj(v)) {
    d.error(
      'websocket',
      'config.type',
      `'websocket' must be an object, got ${describe(v)}`,
      'Use e.g. { "port": 81 } or leave it out for defaults.',
    );
    return undefined;
  }
  const f = new Fields(d, v, 'websocket', [
    'port',
    'path',
    'protocol',
    'maxClients',
    'heartbeat',
    'authToken',
    'authDeadlineMs',
    'allowedOrigins',
    'legacyText',
  ]);
  const L = CONFIG_LIMITS;
  const out: WebSocketConfig = {};
  const port = f.int('port', 1, 65535);
  const path = f.str(
    'path',
    L.maxPathLength,
    /^\/[\x21-\x7e]*$/,
    'Start the path with "/" and use no spaces.',
  );
  const protocol = f.str(
    'protocol',
    L.maxProtocolLength,
    /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/,
    'Use a token such as "esphil.v1" (no spaces or separators).',
  );
  const maxClients = f.int('maxClients', 1, L.maxClients);
  const authToken = f.str(
    'authToken',
    L.maxAuthTokenLength,
    /^[\x21-\x7e]+$/,
    'Use printable ASCII without spaces.',
    // A short token falls to guessing: 16 random printable characters are about 100 bits.
    L.minAuthTokenLength,
  );
  const authDeadlineMs = f.int('authDeadlineMs', 100, L.maxAuthDeadlineMs);
  const legacyText = f.bool('legacyText');
  if (port !== undefined) out.port = port;
  if (path !== undefined) out.path = path;
  if (protocol !== undefined) out.protocol = protocol;
  if (maxClients !== undefined) out.maxClients = maxClients;
  if (authToken !== undefined) out.authToken = authToken;
  if (authDeadlineMs !== undefined) out.authDeadlineMs = authDeadlineMs;
  if (legacyText !== undefined) out.legacyText = legacyText;

  const hb = v.heartbeat;
  if (hb === false) out.heartbeat = false;
  else if (hb !== undefined) {
    if (!isObj(hb)) {
      d.error(
        'websocket.heartbeat',
        'config.type',
        `'websocket.heartbeat' must be an object or false, got ${describe(hb)}`,
        'Use { "intervalMs": 15000, "timeoutMs": 3000, "failures": 2 } or false.',
      );
      f.ok = false;
    } else {
      const h = new Fields(d, hb, 'websocket.heartbeat', ['intervalMs', 'timeoutMs', 'failures']);
      const intervalMs = h.int('intervalMs', 100, L.maxHeartbeatMs, true);
      const timeoutMs = h.int('timeoutMs', 100, L.maxHeartbeatMs, true);
      const failures = h.int('failures', 1, L.maxHeartbeatFailures, true);
      if (h.ok && intervalMs !== undefined && timeoutMs !== undefined && failures !== undefined) {
        out.heartbeat = { intervalMs, timeoutMs, failures };
      } else f.ok = false;
    }
  }

  const origins = v.allowedOrigins;
  if (origins !== undefined) {
    if (!Array.isArray(origins) || origins.length > L.maxOrigins) {
      d.error(
        'websocket.allowedOrigins',
        'config.type',
        `'websocket.allowedOrigins' must be an array of at most ${L.maxOrigins} origin strings`,
        'Use e.g. ["http://localhost:5173"], or [] to allow any origin.',
      );
      f.ok = false;
    } else {
      const list: string[] = [];
      origins.forEach((o, i) => {
        if (
          typeof o !== 'string' ||
          o.length === 0 ||
          o.length > L.maxOriginLength ||
          !/^https?:\/\/[^/\s]+$/.test(o)
        ) {
          d.error(
            `websocket.allowedOrigins[${i}]`,
            'config.format',
            `Origin ${describe(o)} is not a scheme://host[:port] origin`,
            'Write origins as the browser sends them, e.g. "http://192.168.1.10:8080" (no path, no trailing slash).',
          );
          f.ok = false;
        } else list.push(o);
      });
      out.allowedOrigins = list;
    }
  }
  return f.ok ? out : undefined;
}

export function checkShape(d: DiagnosticList, input: unknown): ShapeResult {
  const indexes: Record<TargetKind, number[]> = { leds: [], pwm: [], buttons: [], sensors: [] };
  if (!isObj(input)) {
    d.error(
      '',
      'config.type',
      `The config must be a JSON object, got ${describe(input)}`,
      'Start from starterConfig(board) or the example in the device-model README.',
    );
    return { indexes };
  }
  const top = new Fields(d, input, '', [
    'version',
    'board',
    'core',
    'name',
    'wifi',
    'leds',
    'pwm',
    'buttons',
    'sensors',
    'websocket',
    'logLevel',
  ]);
  let sound = true;
  if (input.version !== 1) {
    d.error(
      'version',
      input.version === undefined ? 'config.missing' : 'config.version',
      `'version' must be 1, got ${describe(input.version)}`,
      'Set "version": 1.',
    );
    sound = false;
  }
  if (input.board === undefined) {
    d.error('board', 'config.missing', `'board' is required`, `Use one of: ${BOARD_IDS.join(', ')}.`);
    sound = false;
  } else if (typeof input.board !== 'string' || !(BOARD_IDS as string[]).includes(input.board)) {
    d.error(
      'board',
      'board.unknown',
      `Unknown board ${describe(input.board)}`,
      `Use one of: ${BOARD_IDS.join(', ')}.`,
    );
    sound = false;
  }
  const core = top.oneOf('core', ['2.x', '3.x'] as const);
  const name = top.str(
    'name',
    CONFIG_LIMITS.maxDeviceNameLength,
    DEVICE_NAME_PATTERN,
    'Use lowercase letters, digits, "_" or "-", starting with a letter.',
  );
  const wifi = top.bool('wifi');
  const logLevel = top.oneOf('logLevel', LOG_LEVELS);

  const lists: Partial<Record<TargetKind, unknown[]>> = {};
  for (const kind of TARGET_KINDS) {
    const raw = input[kind];
    if (raw === undefined) continue;
    if (!Array.isArray(raw)) {
      d.error(
        kind,
        'config.type',
        `'${kind}' must be an array, got ${describe(raw)}`,
        `Use a list, e.g. "${kind}": [].`,
      );
      continue;
    }
    if (raw.length > CONFIG_LIMITS.maxTargetsPerKind) {
      d.error(
        kind,
        'config.too-many',
        `'${kind}' has ${raw.length} entries; at most ${CONFIG_LIMITS.maxTargetsPerKind} are accepted`,
        'Remove entries.',
      );
      continue;
    }
    const kept: unknown[] = [];
    raw.forEach((entry, i) => {
      const path = `${kind}[${i}]`;
      if (!isObj(entry)) {
        d.error(
          path,
          'config.type',
          `'${path}' must be an object, got ${describe(entry)}`,
          'Use e.g. { "name": "status", "pin": 2 }.',
        );
        return;
      }
      const checked = ENTRY_CHECK[kind](new Fields(d, entry, path, ENTRY_KEYS[kind]));
      if (checked) {
        kept.push(checked);
        indexes[kind].push(i);
      }
    });
    lists[kind] = kept;
  }

  let websocket: WebSocketConfig | undefined;
  if (input.websocket !== undefined) websocket = checkWebSocket(d, input.websocket);

  if (!sound) return { indexes };
  const config: DeviceConfig = { version: 1, board: input.board as DeviceConfig['board'] };
  if (core !== undefined) config.core = core;
  if (name !== undefined) config.name = name;
  if (wifi !== undefined) config.wifi = wifi;
  if (logLevel !== undefined) config.logLevel = logLevel;
  if (lists.leds) config.leds = lists.leds as LedConfig[];
  if (lists.pwm) config.pwm = lists.pwm as PwmConfig[];
  if (lists.buttons) config.buttons = lists.buttons as ButtonConfig[];
  if (lists.sensors) config.sensors = lists.sensors as SensorConfig[];
  if (websocket) config.websocket = websocket;
  return { config, indexes };
}
