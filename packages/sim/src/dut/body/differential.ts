/**
 * Differential run: one seeded stream (./differential-stream.ts) into two DeviceBodies, every action compared.
 * Slots are handed out as the library does (lowest free of WEBSOCKETS_SERVER_CLIENT_MAX; a client beyond them never
 * reaches the device, arduinowebsockets-facts.md §1.4) and freed by a close action or a disconnect step.
 */
import { DEFAULT_MAX_CLIENTS } from '@esphil/protocol';
import type { DeviceAction, DeviceBody } from './body';
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
      'PROTOCOL.md fixes `code` and `id`, not the words',
  },
];

/** An error response's `msg` string (JSON-escaped), right after its code. */
const ERROR_MSG = /("error":\{"code":"[a-z_]+","msg":)"(?:[^"\\]|\\.)*"/g;

/** The action with the by-design fields blanked; the rest stays the bytes the body sent. */
export function comparable(a: DeviceAction): DeviceAction {
  if (a.a !== 'send') return a;
  return { ...a, text: a.text.replace(ERROR_MSG, '$1"…"') };
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
  divergence: Divergence | null;
}

/** One network in range and its credentials stored: the body joins at boot. */
const SIM_NETWORK = { ssid: 'esphil-sim', password: 'esphil-sim', rssi: -60 };
const BOOT = {
  fw: '0.1.0',
  chipId: 'a1b2c3',
  bootId: '5f2c9e1a',
  network: SIM_NETWORK,
  stored: { ssid: SIM_NETWORK.ssid, password: SIM_NETWORK.password },
  ip: '127.0.0.1',
};

/** Console output is not compared until the TS body has device.cpp's console (in progress on this branch point). */
const notYetCompared = (x: DeviceAction): boolean => x.a === 'serial' || x.a === 'store-wifi';

function same(a: DeviceAction[], b: DeviceAction[]): boolean {
  const keep = (l: DeviceAction[]) => l.filter((x) => !notYetCompared(x)).map(comparable);
  return JSON.stringify(keep(a)) === JSON.stringify(keep(b));
}

export function describeStep(step: DiffStep | { k: 'boot' }): string {
  return JSON.stringify(step, (_k, v: unknown) =>
    v instanceof Uint8Array ? `hex:${Buffer.from(v).toString('hex')}` : v,
  );
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
  const boot = async (): Promise<Divergence | null> => {
    const opts = { ...BOOT, config: scenario.config, nowMs: now };
    const [ba, bb] = await Promise.all([a.boot(opts), b.boot(opts)]);
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
  if (first) return { steps: 0, actions, divergence: first };
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
    }
    actions += ra.length;
    if (!same(ra, rb))
      return {
        steps: i + 1,
        actions,
        divergence: { seed, scenario: scenario.name, index: i, step, a: ra, b: rb },
      };
    for (const act of ra) if (act.a === 'close') occupied.delete(act.slot);
    if (ra.some((act) => act.a === 'restart')) {
      now += 1;
      occupied.clear();
      const again = await boot();
      if (again) return { steps: i + 1, actions, divergence: { ...again, index: i } };
    }
  }
  return { steps: stream.length, actions, divergence: null };
}

export function formatDivergence(d: Divergence): string {
  return [
    `bodies diverge: seed ${d.seed}, scenario ${d.scenario}, step ${d.index}: ${describeStep(d.step)}`,
    `  a: ${JSON.stringify(d.a)}`,
    `  b: ${JSON.stringify(d.b)}`,
  ].join('\n');
}
