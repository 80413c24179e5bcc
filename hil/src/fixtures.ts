import type { DeviceClient } from '@esphil/client';
import type { Wire } from '@esphil/device-model';
import { expectRcReading } from '@esphil/device-model';
import { test } from 'vitest';
import { type DutCapability, missingCapabilities, skipReason } from './dut/capabilities';
import { neededBy } from './dut/needs';
import type { DutIo } from './dut/types';
import type { Board } from './probe/monitor';
import type { Measurement } from './report/model';
import { getSession } from './session/registry';
import type { HilSession, SerialFixture } from './session/types';
import { escapeFailure, openEscapeScope, settleEscapes } from './vitest/escapes';

/** What a test attaches to its vitest task (meta is delivered to the reporter). */
export interface HilTaskMeta {
  measurements: Measurement[];
  hint?: string;
  sweep?: { duty: number; expected: number; measured: number; tolerance: number }[];
  latencyMs?: number[];
}

interface TaskLike {
  meta: object;
}

function metaOf(task: TaskLike): HilTaskMeta {
  const m = task.meta as { hil?: HilTaskMeta };
  m.hil ??= { measurements: [] };
  return m.hil;
}

/** The `bench` fixture: the live session plus helpers that measure on the probe and record what they measured. */
export class BenchFixture {
  constructor(
    readonly session: HilSession,
    private readonly task: TaskLike,
  ) {}

  get timeouts() {
    return this.session.bench.timeouts;
  }

  /** The wire attached to a DUT target's pin; a wire the wiring check found silent adds a `hil doctor` hint. */
  wireFor(kind: 'leds' | 'pwm' | 'buttons' | 'sensors', name: string): Wire | null {
    const target = (this.session.config[kind] as { name: string; pin: number }[]).find(
      (t) => t.name === name,
    );
    if (!target) return null;
    const wire = this.session.wiring.wires.find((w) => w.dutPin === target.pin) ?? null;
    if (wire) {
      const f = this.session.findings.find((x) => x.wire === wire.name);
      if (f && f.status !== 'ok') {
        this.hint(
          `the wiring check found wire '${wire.name}' ${f.status} (${f.detail}); a line that never moves cannot be told from a dead DUT pin: run \`hil doctor\``,
        );
      }
    }
    return wire;
  }

  hint(text: string): void {
    const m = metaOf(this.task);
    m.hint = m.hint ? `${m.hint}; ${text}` : text;
  }

  measure(m: Measurement): Measurement {
    metaOf(this.task).measurements.push(m);
    return m;
  }

  recordSweep(p: { duty: number; expected: number; measured: number; tolerance: number }): void {
    const m = metaOf(this.task);
    m.sweep ??= [];
    m.sweep.push(p);
  }

  recordLatency(samplesMs: number[]): void {
    metaOf(this.task).latencyMs = samplesMs;
  }

  /** Waits until the probe sees `level` on the LED's wire (or observeMs passes), records and returns the reading. */
  async expectLed(led: string, on: boolean): Promise<Measurement> {
    const wire = this.wireFor('leds', led);
    if (wire?.kind !== 'digital')
      throw new Error(`LED '${led}' has no digital wire to the probe in the bench wiring`);
    const activeLow = this.session.config.leds.find((l) => l.name === led)?.activeLow ?? false;
    const level = on !== activeLow ? 1 : 0;
    this.session.probe.watchDigital(wire.probePin);
    const got = await this.session.probe.waitFor(
      `d${wire.probePin}`,
      (v) => v === level,
      this.timeouts.observeMs,
    );
    return this.measure({
      name: `${wire.name} (probe pin ${wire.probePin})`,
      expected: level,
      measured: got ?? this.session.probe.digital(wire.probePin) ?? null,
      ok: got === level,
    });
  }

  /** Reads a PWM output through its RC wire after the model's settling time; records expected vs measured. */
  async readPwm(
    ch: string,
    fraction: number,
  ): Promise<Measurement & { expected: number; measured: number | null; tolerance: number }> {
    const wire = this.wireFor('pwm', ch);
    if (wire?.kind !== 'rc') throw new Error(`PWM '${ch}' has no rc wire to the probe in the bench wiring`);
    const pwm = this.session.config.pwm.find((p) => p.name === ch);
    const exp = expectRcReading({
      fraction,
      dutVcc: this.session.wiring.dutVcc,
      wire,
      probe: this.session.profile,
      // The esphil client mirrors the frequency the DUT runs; other DUTs run the config's.
      freq:
        (this.session.adapter.capabilities.has('esphil')
          ? this.session.dut.state.pwm[ch]?.freq
          : undefined) ??
        pwm?.freq ??
        5000,
    });
    const tolerance = exp.tolerance + this.session.bench.tolerances.adcCounts;
    this.session.probe.watchAnalog(wire.probeAnalog);
    await sleep(exp.settleMs);
    const got = await this.session.probe.nextSample(`a${wire.probeAnalog}`, this.timeouts.observeMs);
    const m = {
      name: `${wire.name} @ ${Math.round(fraction * 100)} %`,
      expected: Math.round(exp.value),
      measured: got,
      tolerance: Math.round(tolerance),
      unit: 'counts',
      ok: got !== null && Math.abs(got - exp.value) <= tolerance,
    };
    this.measure(m);
    return m;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface HilFixtures {
  /** The primary esphil client (reconnects after resets); a test using it is skipped on a DUT that is not esphil. */
  dut: DeviceClient;
  /** The DUT through its adapter (src/dut/): ledSet, pwmSet, readState, whatever the firmware speaks. */
  io: DutIo;
  /** The DUT serial console. */
  serial: SerialFixture;
  /** The probe: a stock johnny-five Board. */
  probe: Board;
  bench: BenchFixture;
  /** Automatic: fails the test during which the DUT rebooted unannounced. */
  rebootGuard: undefined;
  /** Automatic: fails the test whose listener, timer or floating promise threw (see vitest/escapes). */
  escapeGuard: undefined;
  /** Automatic: skips, with the reason, a test whose `needs(...)` the DUT cannot do (see dut/needs). */
  capabilityGuard: undefined;
}

/** Skips the running test (vitest's context.skip, with a note) when the DUT lacks one of `needed`. */
function skipUnless(skip: (note: string) => never, needed: readonly DutCapability[]): void {
  const { name, capabilities } = getSession().adapter;
  const missing = missingCapabilities(capabilities, needed);
  if (missing.length > 0) skip(skipReason(name, missing, capabilities));
}

/**
 * `test` with the HIL fixtures. Suites run inside `hil run`, which sets up the bench first:
 *   import { hilTest as test } from '@esphil/hil/test';
 *   test('led follows', async ({ dut, bench }) => { await dut.ledSet('status', true); ... });
 */
export const hilTest = test.extend<HilFixtures>({
  bench: async ({ task }, use) => {
    const session = getSession();
    await use(new BenchFixture(session, task));
    await session.closeExtra();
  },
  // Every test, whatever fixtures it asks for: a reboot nobody announced is a crash, and fails the test it hit.
  rebootGuard: [
    async ({ task: _task }, use) => {
      const session = getSession();
      const before = session.reboots.length;
      await use(undefined);
      const crashes = session.reboots.slice(before).filter((r) => !r.expected);
      if (crashes.length > 0) {
        throw new Error(
          `the DUT rebooted unexpectedly during this test (boot ${crashes[0]!.from} -> ${crashes[0]!.to}); see the serial log excerpt for the reset reason`,
        );
      }
    },
    { auto: true },
  ],
  escapeGuard: [
    async ({ task }, use) => {
      // Closed on every path: a scope left open (say the last test's) would swallow later escapes instead of
      // letting them fail the run as orphans.
      const close = openEscapeScope((task as { name: string }).name);
      let escaped: ReturnType<typeof close>;
      try {
        await use(undefined);
        await settleEscapes();
      } finally {
        escaped = close();
      }
      if (escaped.length > 0) throw escapeFailure(escaped);
    },
    { auto: true },
  ],
  capabilityGuard: [
    async ({ task, skip }, use) => {
      skipUnless(skip as (note: string) => never, neededBy(task));
      await use(undefined);
    },
    { auto: true },
  ],
  // A suite that never declared needs('esphil') is still skipped with the reason, not failed by a throwing getter.
  dut: async ({ capabilityGuard: _guard, skip }, use) => {
    skipUnless(skip as (note: string) => never, ['esphil']);
    await use(getSession().dut);
  },
  io: async ({ capabilityGuard: _guard }, use) => {
    await use(getSession().io);
  },
  serial: async ({ task: _task }, use) => {
    await use(getSession().serial);
  },
  probe: async ({ task: _task }, use) => {
    await use(getSession().probe.board);
  },
});
