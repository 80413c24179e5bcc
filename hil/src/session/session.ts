import { connect, type DeviceClient } from '@esphil/client';
import { waitForReady } from '@esphil/serial';
import { openDutLink } from '../dut/link';
import { HilError } from '../errors';
import { markBeforeReset } from '../stages/boot-mark';
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
  const { console } = parts;
  const dut = parts.dut as DeviceClient | undefined;
  const url = parts.url ?? '';
  const extra = new Set<DeviceClient>();
  let expectedReboots = 0;
  const reboots: Reboot[] = [];
  const reboot = (from: string, to: string) => {
    const expected = expectedReboots > 0;
    if (expected) expectedReboots--;
    reboots.push({ at: Date.now(), from, to, expected });
  };
  let boots = 1;
  dut?.on('reboot', (e) => reboot(e.previousBoot, e.boot));
  const link = openDutLink({
    bench,
    adapter: parts.adapter,
    io: parts.io,
    console,
    transcript,
    config: env.config,
    url,
    // Pattern-ready DUTs have no boot id: the console's boot count stands in.
    onReboot: () => reboot(`boot ${boots}`, `boot ${++boots}`),
  });
  const esphilOnly = (what: string): never => {
    throw new HilError(
      'dut_unsupported',
      `${what} is the esphil client, and the DUT speaks "${link.name}"`,
      "use the `io` fixture (bench.session.io), or declare needs('esphil') so the test is skipped on this DUT",
    );
  };
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
      get caps() {
        return dut ? dut.caps : esphilOnly('session.expect.caps');
      },
      targetOfPin: (pin) => targetOfPin(env.config, pin),
    },
    config: env.config,
    get dut() {
      return dut ?? esphilOnly('session.dut');
    },
    get io() {
      return link.io;
    },
    adapter: { name: link.name, capabilities: link.capabilities },
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
      if (!dut) esphilOnly('session.connect()');
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
      const mark = await markBeforeReset(parts.conn, console);
      await parts.resetDut();
      await link.afterReset(mark, async () => {
        await waitForReady(console, {
          since: mark,
          timeoutMs: bench.timeouts.readyMs,
          baudRate: bench.dut.baud,
        });
      });
    },
    async close() {
      await closeExtra();
      await link.close();
      await pipeline.close();
    },
  };
}
