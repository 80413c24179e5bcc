/**
 * Differential run: one seeded stream (./differential-stream.ts) into two DeviceBodies, every action compared,
 * console bytes (`serial`) and NVS WiFi writes (`store-wifi`) included. Slots are handed out as the library does
 * (lowest free of WEBSOCKETS_SERVER_CLIENT_MAX; a client beyond them never reaches the device,
 * arduinowebsockets-facts.md §1.4) and freed by a close action or a disconnect step. A restart boots again as a
 * board does: reset reason `sw`, NVS's WiFi credentials as last stored.
 */
import { DEFAULT_MAX_CLIENTS } from '@esphil/protocol';
import type { BodyBootOptions, BodyCredentials, DeviceAction, DeviceBody } from './body';
import { type DiffScenario, type DiffStep, diffStream } from './differential-stream';

/**
 * Fields that differ between the bodies by design, with the reason; everything else must match byte for byte. Both
 * bodies get the same identity inputs (chip id, boot id), virtual clock, WiFi and heap model, so boot ids, uptime
 * and heap are equal and not listed.
 */
export const DIFFERENT_BY_DESIGN: readonly { field: string; why: string }[] = [
  {
    field: 'error.msg',
    why:
      'human text, written separately by the TS codec (packages/protocol) and the C++ core (protocol.cpp, machine.cpp); ' +
      'PROTOCOL.md fixes `code` and `id`, not the words (in WebSocket frames and in serial machine lines alike)',
  },
];

/** An error response's `msg` string (JSON-escaped), right after its code. */
const ERROR_MSG = /("error":\{"code":"[a-z_]+","msg":)"(?:[^"\\]|\\.)*"/g;

/** The action with the by-design fields blanked; the rest stays the bytes the body sent. */
export function comparable(a: DeviceAction): DeviceAction {
  if (a.a === 'send') return { ...a, text: a.text.replace(ERROR_MSG, '$1"…"') };
  if (a.a !== 'serial') return a;
  // One byte per char, so the pattern sees the JSON whatever the bytes are.
  const raw = Buffer.from(a.data).toString('latin1');
  const blanked = raw.replace(ERROR_MSG, '$1"..."');
  return blanked === raw ? a : { a: 'serial', data: new Uint8Array(Buffer.from(blanked, 'latin1')) };
}

/** Console bytes as readable text: printable ASCII as is, `\r`, `\n`, `\\`, and `\xNN` for the rest. */
export function serialText(data: Uint8Array): string {
  let s = '';
  for (const b of data) {
    if (b === 0x5c) s += '\\\\';
    else if (b >= 0x20 && b < 0x7f) s += String.fromCharCode(b);
    else if (b === 0x0d) s += '\\r';
    else if (b === 0x0a) s += '\\n';
    else s += `\\x${b.toString(16).padStart(2, '0')}`;
  }
  return s;
}

/** One action on one line: console bytes as text, the rest as JSON. */
export function describeAction(a: DeviceAction): string {
  return a.a === 'serial' ? `serial ${serialText(a.data)}` : JSON.stringify(a);
}

export interface Divergence {
  seed: number;
  scenario: string;
  index: number;
  step: DiffStep | { k: 'boot' };
  a: DeviceAction[];
  b: DeviceAction[];
}

export interface DiffReport {
  steps: number;
  actions: number;
  /** Actions of body a by kind (`serial`, `store-wifi`, `send`...): what the run exercised. */
  kinds: Record<string, number>;
  divergence: Divergence | null;
}

/** The chip's identity inputs and the address DHCP hands out; the radio comes from the scenario. */
export const DIFF_BOOT = { fw: '0.1.0', chipId: 'a1b2c3', bootId: '5f2c9e1a', ip: '127.0.0.1' };

/** What a board boots with: its first boot as the scenario says, later ones after ESP.restart() with NVS's WiFi. */
export class DiffBoard {
  private stored: BodyCredentials | null;
  private reason = 'poweron';

  constructor(private readonly scenario: DiffScenario) {
    this.stored = scenario.radio.stored;
  }

  options(nowMs: number): BodyBootOptions {
    const { network } = this.scenario.radio;
    return {
      ...DIFF_BOOT,
      config: this.scenario.config,
      network,
      stored: this.stored,
      resetReason: this.reason,
      nowMs,
    };
  }

  /** A body's actions: WiFi credentials written to NVS and a restart change the next boot. */
  saw(actions: readonly DeviceAction[]): void {
    for (const a of actions) {
      if (a.a === 'store-wifi') this.stored = { ssid: a.ssid, password: a.password };
      if (a.a === 'restart') this.reason = 'sw';
    }
  }
}

const bytesAsHex = (_k: string, v: unknown): unknown =>
  v instanceof Uint8Array ? `hex:${Buffer.from(v).toString('hex')}` : v;

function same(a: DeviceAction[], b: DeviceAction[]): boolean {
  return JSON.stringify(a.map(comparable), bytesAsHex) === JSON.stringify(b.map(comparable), bytesAsHex);
}

export function describeStep(step: DiffStep | { k: 'boot' }): string {
  if (step.k === 'serial') return `{"k":"serial"} ${serialText(step.data)}`;
  return JSON.stringify(step, bytesAsHex);
}

/** Runs `steps` steps of `seed` through both bodies (each booted fresh). Stops at the first divergence. */
export async function runDifferential(
  a: DeviceBody,
  b: DeviceBody,
  scenario: DiffScenario,
  seed: number,
  steps: number,
): Promise<DiffReport> {
  let now = 1000;
  let actions = 0;
  const kinds: Record<string, number> = {};
  const count = (l: readonly DeviceAction[]) => {
    for (const x of l) kinds[x.a] = (kinds[x.a] ?? 0) + 1;
  };
  const board = new DiffBoard(scenario);
  const boot = async (): Promise<Divergence | null> => {
    const opts = board.options(now);
    const [ba, bb] = await Promise.all([a.boot(opts), b.boot(opts)]);
    count(ba.actions);
    // Identity, caps and the boot state are bytes the client sees in hello: compare them as actions too.
    const sa: DeviceAction[] = [
      ...ba.actions,
      { a: 'send', slot: -1, text: JSON.stringify([ba.identity, ba.caps, ba.state]) },
    ];
    const sb: DeviceAction[] = [
      ...bb.actions,
      { a: 'send', slot: -1, text: JSON.stringify([bb.identity, bb.caps, bb.state]) },
    ];
    return same(sa, sb)
      ? null
      : { seed, scenario: scenario.name, index: -1, step: { k: 'boot' }, a: sa, b: sb };
  };
  const first = await boot();
  if (first) return { steps: 0, actions, kinds, divergence: first };
  const occupied = new Set<number>();
  const list = (): number[] => [...occupied].sort((x, y) => x - y);
  const stream = diffStream(seed, steps, scenario);
  for (let i = 0; i < stream.length; i++) {
    const step = stream[i]!;
    const target = (k: number): number | undefined => {
      const l = list();
      return l.length === 0 ? undefined : l[k % l.length];
    };
    let ra: DeviceAction[] = [];
    let rb: DeviceAction[] = [];
    switch (step.k) {
      case 'connect': {
        let slot = -1;
        for (let s = 0; s < DEFAULT_MAX_CLIENTS; s++) {
          if (!occupied.has(s)) {
            slot = s;
            break;
          }
        }
        if (slot < 0) continue;
        const [ca, cb] = await Promise.all([
          a.connect(slot, step.url, step.headers, step.address, now),
          b.connect(slot, step.url, step.headers, step.address, now),
        ]);
        ra = [...ca.actions, { a: 'send', slot: -1, text: `accepted:${ca.accepted}` }];
        rb = [...cb.actions, { a: 'send', slot: -1, text: `accepted:${cb.accepted}` }];
        if (ca.accepted) occupied.add(slot);
        break;
      }
      case 'text':
      case 'binary':
      case 'fragment':
      case 'disconnect': {
        const slot = target(step.client);
        if (slot === undefined) continue;
        if (step.k === 'text')
          [ra, rb] = await Promise.all([a.text(slot, step.data, now), b.text(slot, step.data, now)]);
        else if (step.k === 'binary')
          [ra, rb] = await Promise.all([a.binary(slot, now), b.binary(slot, now)]);
        else if (step.k === 'fragment')
          [ra, rb] = await Promise.all([a.fragment(slot, now), b.fragment(slot, now)]);
        else {
          [ra, rb] = await Promise.all([a.disconnect(slot, now), b.disconnect(slot, now)]);
          occupied.delete(slot);
        }
        break;
      }
      case 'tick':
        now += step.advanceMs;
        [ra, rb] = await Promise.all([a.tick(now), b.tick(now)]);
        break;
      case 'pin':
        await Promise.all([a.pin(step.pin, step.level), b.pin(step.pin, step.level)]);
        break;
      case 'adc':
        await Promise.all([a.adc(step.pin, step.raw), b.adc(step.pin, step.raw)]);
        break;
      case 'serial':
        [ra, rb] = await Promise.all([a.serial(step.data, now), b.serial(step.data, now)]);
        break;
    }
    actions += ra.length;
    count(ra);
    if (!same(ra, rb))
      return {
        steps: i + 1,
        actions,
        kinds,
        divergence: { seed, scenario: scenario.name, index: i, step, a: ra, b: rb },
      };
    for (const act of ra) if (act.a === 'close') occupied.delete(act.slot);
    board.saw(ra);
    if (ra.some((act) => act.a === 'restart')) {
      now += 1;
      occupied.clear();
      const again = await boot();
      if (again) return { steps: i + 1, actions, kinds, divergence: { ...again, index: i } };
    }
  }
  return { steps: stream.length, actions, kinds, divergence: null };
}

/** The first divergence, each body's actions one per line (the first differing one marked). */
export function formatDivergence(d: Divergence): string {
  const key = (x: DeviceAction | undefined) =>
    x === undefined ? '' : JSON.stringify(comparable(x), bytesAsHex);
  const first = d.a.findIndex((x, i) => key(x) !== key(d.b[i]));
  const at = first < 0 ? Math.min(d.a.length, d.b.length) : first;
  const list = (name: string, l: DeviceAction[]) => [
    `  ${name}: ${l.length} actions`,
    ...l.map((x, i) => `    ${i === at ? '>' : ' '}${i} ${describeAction(x)}`),
  ];
  return [
    `bodies diverge: seed ${d.seed}, scenario ${d.scenario}, step ${d.index}: ${describeStep(d.step)}`,
    ...list('a', d.a),
    ...list('b', d.b),
  ].join('\n');
}
