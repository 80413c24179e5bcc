/**
 * LEDC channel/timer allocation as the two arduino-esp32 lines do it.
 *
 * 2.x: `ledcSetup(ch, freq, bits)` programs timer ((ch / 2) % 4) of group (ch / 8): channels 2n and 2n+1 share a
 *   timer, so they must agree on frequency and resolution. Explicit channels are kept; the others go next to a
 *   partner with the same setup, else into a free pair.
 * 3.x: `ledcAttach(pin, freq, bits)` takes the lowest free channel; inside its group a timer with the same
 *   frequency and resolution is shared, otherwise a free timer is taken. Too many distinct setups in one group fail.
 */
import { getBoard } from '../boards/profiles';
import type { LedcProfile } from '../boards/types';
import { DEFAULT_CORE, DEFAULT_PWM_BITS, DEFAULT_PWM_FREQ } from '../config/defaults';
import type { ArduinoCore, DeviceConfig, Diagnostic, ResolvedConfig } from '../config/types';

export interface LedcRequest {
  name: string;
  pin: number;
  freq: number;
  bits: number;
  channel?: number;
}

export interface LedcAssignment {
  name: string;
  pin: number;
  channel: number;
  group: number;
  timer: number;
  speedMode: 'high' | 'low';
  freq: number;
  bits: number;
}

export interface LedcAllocation {
  ok: boolean;
  /** In request order; outputs that could not be placed are missing. */
  assignments: LedcAssignment[];
  diagnostics: Diagnostic[];
}

export function ledcGroupOf(channel: number, ledc: LedcProfile): number {
  return Math.floor(channel / ledc.channelsPerGroup);
}

/** arduino-esp32 2.x fixed channel -> timer mapping. */
export function ledcTimerOf2x(channel: number, ledc: LedcProfile): number {
  return Math.floor((channel % ledc.channelsPerGroup) / 2) % ledc.timersPerGroup;
}

function speedModeOf(group: number, ledc: LedcProfile): 'high' | 'low' {
  return ledc.highSpeedGroup && group === 0 ? 'high' : 'low';
}

const sameSetup = (a: { freq: number; bits: number }, b: { freq: number; bits: number }): boolean =>
  a.freq === b.freq && a.bits === b.bits;

type PathOf = (index: number, field?: string) => string;
const defaultPath: PathOf = (i, field) => `pwm[${i}]${field ? `.${field}` : ''}`;

export function allocateLedcOutputs(
  outputs: LedcRequest[],
  ledc: LedcProfile,
  core: ArduinoCore,
  pathOf: PathOf = defaultPath,
): LedcAllocation {
  const diagnostics: Diagnostic[] = [];
  const byChannel = new Map<number, { index: number; req: LedcRequest }>();
  const channelOf = new Map<number, number>();

  // Explicit channels first: the sketch asks for them by number.
  outputs.forEach((req, index) => {
    if (req.channel === undefined) return;
    const ch = req.channel;
    if (!Number.isInteger(ch) || ch < 0 || ch >= ledc.channels) {
      diagnostics.push({
        severity: 'error',
        path: pathOf(index, 'channel'),
        code: 'ledc.channel-range',
        message: `PWM '${req.name}' (GPIO${req.pin}) asks for LEDC channel ${ch}, but this chip has channels 0..${ledc.channels - 1}`,
        hint: `Use a channel from 0 to ${ledc.channels - 1}, or leave 'channel' out to let the allocator pick.`,
        pin: req.pin,
      });
      return;
    }
    const taken = byChannel.get(ch);
    if (taken) {
      diagnostics.push({
        severity: 'error',
        path: pathOf(index, 'channel'),
        code: 'ledc.channel-duplicate',
        message: `PWM '${req.name}' (GPIO${req.pin}) asks for LEDC channel ${ch}, already used by '${taken.req.name}'`,
        hint: `Give '${req.name}' another channel or leave 'channel' out.`,
        pin: req.pin,
      });
      return;
    }
    if (core === '2.x') {
      const partner = byChannel.get(ch ^ 1);
      if (partner && !sameSetup(partner.req, req)) {
        diagnostics.push(timerConflict2x(req, index, partner.req, ch, pathOf));
        return;
      }
    }
    byChannel.set(ch, { index, req });
    channelOf.set(index, ch);
  });

  let tooManyReported = false;
  outputs.forEach((req, index) => {
    if (req.channel !== undefined) return;
    const ch = core === '2.x' ? pickChannel2x(req, byChannel, ledc) : lowestFree(byChannel, ledc);
    if (ch === null) {
      if (outputs.length > ledc.channels) {
        if (!tooManyReported) {
          tooManyReported = true;
          diagnostics.push({
            severity: 'error',
            path: pathOf(index),
            code: 'pwm.too-many',
            message: `${outputs.length} PWM outputs, but this chip has only ${ledc.channels} LEDC channels ('${req.name}' on GPIO${req.pin} is the first that does not fit)`,
            hint: `Remove ${outputs.length - ledc.channels} PWM output(s), or drive simple on/off loads as LEDs.`,
            pin: req.pin,
          });
        }
        return;
      }
      diagnostics.push({
        severity: 'error',
        path: pathOf(index),
        code: 'ledc.timer-conflict',
        message: `PWM '${req.name}' (GPIO${req.pin}, ${req.freq} Hz / ${req.bits} bits): no LEDC channel pair left whose shared timer is free or already runs ${req.freq} Hz / ${req.bits} bits (arduino-esp32 2.x pairs channels 2n/2n+1 on one timer)`,
        hint: 'Give it the same frequency and resolution as another PWM output, or use fewer distinct frequency/resolution setups.',
        pin: req.pin,
      });
      return;
    }
    byChannel.set(ch, { index, req });
    channelOf.set(index, ch);
  });

  // Timers: fixed by the channel on 2.x, shared by equal setups per group on 3.x.
  const assignments: LedcAssignment[] = [];
  const timers = new Map<number, { freq: number; bits: number }[]>();
  outputs.forEach((req, index) => {
    const ch = channelOf.get(index);
    if (ch === undefined) return;
    const group = ledcGroupOf(ch, ledc);
    let timer: number;
    if (core === '2.x') {
      timer = ledcTimerOf2x(ch, ledc);
    } else {
      const used = timers.get(group) ?? [];
      const match = used.findIndex((t) => sameSetup(t, req));
      if (match >= 0) {
        timer = match;
      } else if (used.length < ledc.timersPerGroup) {
        timer = used.length;
        timers.set(group, [...used, { freq: req.freq, bits: req.bits }]);
      } else {
        const others = used.map((t) => `${t.freq} Hz/${t.bits} bits`).join(', ');
        diagnostics.push({
          severity: 'error',
          path: pathOf(index),
          code: 'ledc.timer-conflict',
          message: `PWM '${req.name}' (GPIO${req.pin}, ${req.freq} Hz / ${req.bits} bits) on LEDC channel ${ch}: all ${ledc.timersPerGroup} timers of group ${group} already run other setups (${others})`,
          hint:
            ledc.groups > 1
              ? `Reuse one of those frequency/resolution setups, or put it in the other speed group with 'channel' (${group === 0 ? `${ledc.channelsPerGroup}..${ledc.channels - 1}` : `0..${ledc.channelsPerGroup - 1}`}).`
              : 'Reuse one of those frequency/resolution setups.',
          pin: req.pin,
        });
        return;
      }
    }
    assignments.push({
      name: req.name,
      pin: req.pin,
      channel: ch,
      group,
      timer,
      speedMode: speedModeOf(group, ledc),
      freq: req.freq,
      bits: req.bits,
    });
  });

  return { ok: !diagnostics.some((d) => d.severity === 'error'), assignments, diagnostics };
}

function lowestFree(byChannel: Map<number, unknown>, ledc: LedcProfile): number | null {
  for (let ch = 0; ch < ledc.channels; ch++) if (!byChannel.has(ch)) return ch;
  return null;
}

function pickChannel2x(
  req: LedcRequest,
  byChannel: Map<number, { req: LedcRequest }>,
  ledc: LedcProfile,
): number | null {
  // A free channel next to a partner with the same setup costs no timer.
  for (let ch = 0; ch < ledc.channels; ch++) {
    const partner = byChannel.get(ch ^ 1);
    if (!byChannel.has(ch) && partner && sameSetup(partner.req, req) && (ch ^ 1) < ledc.channels) return ch;
  }
  for (let ch = 0; ch < ledc.channels; ch++) {
    if (!byChannel.has(ch) && !byChannel.has(ch ^ 1)) return ch;
  }
  return null;
}

function timerConflict2x(
  req: LedcRequest,
  index: number,
  partner: LedcRequest,
  ch: number,
  pathOf: PathOf,
): Diagnostic {
  return {
    severity: 'error',
    path: pathOf(index, 'channel'),
    code: 'ledc.timer-conflict',
    message: `PWM '${req.name}' (GPIO${req.pin}) on LEDC channel ${ch} shares a timer with '${partner.name}' on channel ${ch ^ 1} (arduino-esp32 2.x pairs channels 2n/2n+1), but wants ${req.freq} Hz / ${req.bits} bits instead of ${partner.freq} Hz / ${partner.bits} bits`,
    hint: `Use the same frequency and resolution as '${partner.name}', or move one of them to a channel of another pair.`,
    pin: req.pin,
  };
}

/** Allocation for a whole config (board from config.board; core from the argument, else config.core). */
export function allocateLedc(config: DeviceConfig | ResolvedConfig, core?: ArduinoCore): LedcAllocation {
  const board = getBoard(config.board);
  if (!board) {
    return {
      ok: false,
      assignments: [],
      diagnostics: [
        {
          severity: 'error',
          path: 'board',
          code: 'board.unknown',
          message: `Unknown board '${String(config.board)}'`,
          hint: 'Use one of the board ids in BOARDS.',
        },
      ],
    };
  }
  const requests: LedcRequest[] = (config.pwm ?? []).map((p) => {
    const r: LedcRequest = {
      name: p.name,
      pin: p.pin,
      freq: p.freq ?? DEFAULT_PWM_FREQ,
      bits: p.bits ?? DEFAULT_PWM_BITS,
    };
    if (p.channel !== undefined) r.channel = p.channel;
    return r;
  });
  return allocateLedcOutputs(requests, board.ledc, core ?? config.core ?? DEFAULT_CORE);
}
