import { connect, type DeviceClient } from '@esphil/client';
import { waitForReady } from '@esphil/serial';
import type { Pipeline } from '../stages/pipeline';
import type { SessionEnv, SessionParts } from '../stages/stage';
import { probeProfile } from '../stages/wiring';
import { targetOfPin } from '../wiring/check';
import { clientOptions } from './client-options';
import type { SerialLog } from './log';
import type { HilSession, SerialFixture } from './types';

type Reboot = HilSession['reboots'][number];

function serialFixture(parts: SessionParts, defaultTimeoutMs: number): SerialFixture {
  const { console, lines } = parts;
  return {
    get lines() {
      return lines;
    },
    async waitForLine(pattern, timeoutMs = defaultTimeoutMs) {
      const re =
        typeof pattern === 'string' ? new RegExp(pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) : pattern;
      return console.waitFor(
        (item) => {
          const text =
            item.kind === 'line' ? item.text : item.kind === 'machine' ? `@esphil ${item.raw}` : undefined;
          return text !== undefined && re.test(text) ? text : undefined;
        },
        { timeoutMs },
      );
    },
    write: (text) => console.write(text),
  };
}

/** The live session the suites get, from what the stages added; close() runs the pipeline's cleanup. */
export function buildSession(
  env: SessionEnv,
  parts: SessionParts,
  pipeline: Pipeline,
  serialLog: SerialLog,
): HilSession {
  const { bench, transcript } = env;
  const { dut, console } = parts;
  const url = parts.url ?? '';
  const extra = new Set<DeviceClient>();
  let expectedReboots = 0;
  const reboots: Reboot[] = [];
  dut.on('reboot', (e) => {
    const expected = expectedReboots > 0;
    if (expected) expectedReboots--;
    reboots.push({ at: Date.now(), from: e.previousBoot, to: e.boot, expected });
  });
  const closeExtra = async () => {
    for (const c of extra) await c.close().catch(() => {});
    extra.clear();
  };
  return {
    bench,
    wiring: env.wiring,
    url,
    expect: {
      fw: parts.ready.boot?.fw ?? null,
      caps: dut.caps,
      targetOfPin: (pin) => targetOfPin(env.config, pin),
    },
    config: env.config,
    dut,
    serial: serialFixture(parts, bench.timeouts.readyMs),
    probe: parts.probe,
    profile: probeProfile(bench),
    serialLog,
    transcript,
    findings: parts.findings,
    sweep: [],
    latencySamples: [],
    sim: parts.ports.sim,
    async connect(label, o) {
      const c = await connect(url, { ...clientOptions(bench, transcript, label), reconnect: false, ...o });
      extra.add(c);
      return c;
    },
    closeExtra,
    reboots,
    expectReboot() {
      expectedReboots++;
    },
    async reset() {
      expectedReboots++;
      const mark = console.mark();
      await parts.resetDut();
      await waitForReady(console, {
        since: mark,
        timeoutMs: bench.timeouts.readyMs,
        baudRate: bench.dut.baud,
      });
    },
    async close() {
      await closeExtra();
      await pipeline.close();
    },
  };
}
