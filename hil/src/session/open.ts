import { type ClientOptions, connect, type DeviceClient } from '@esphil/client';
import { PROBE_BOARDS, resolveConfig, type WiringSpec } from '@esphil/device-model';
import {
  findPort,
  ImprovClient,
  isSerialError,
  openSerialPort,
  resetToRunMode,
  type SerialConnection,
  SerialConsole,
  waitForReady,
} from '@esphil/serial';
import {
  DEFAULT_SIM_CONFIG,
  DEFAULT_SIM_WIRING,
  nativeBackendFactory,
  type SimBench,
  SimError,
  startSimBench,
} from '@esphil/sim';
import { simProbeOptions } from '../bench/sim-probe';
import type { PortMatch, ResolvedBench } from '../bench/types';
import { errorMessage, HilError, toHilError } from '../errors';
import { acquireLock, type BenchLock } from '../lock/lock';
import { type AnyBinding, ProbeMonitor } from '../probe/monitor';
import type { WiringFinding } from '../report/model';
import type { StageRunner } from '../run/stage-runner';
import { flash } from '../stages/flash';
import { bridgeToPty } from '../stages/pty-bridge';
import { recordingWebSocket } from '../stages/recording-ws';
import { reportEscape } from '../vitest/escapes';
import { checkWiring, targetOfPin } from '../wiring/check';
import { BoundedLog, type SerialLog, type Transcript } from './log';
import type { HilSession, SerialFixture } from './types';

export interface OpenSessionOptions {
  bench: ResolvedBench;
  stages: StageRunner;
  /** Extra simulator faults (CLI --sim-fault), on top of the bench file's. */
  simFaults?: string[];
  latency?: ResolvedBench['sim']['latency'];
  /** Wiring check form: quick (runs) or full (doctor). */
  wiringCheck: 'quick' | 'full';
  lockDir?: string;
  /** For tests: a port to open instead of the sim's (a bench whose DUT never prints ready). */
  log?: (line: string) => void;
}

export interface OpenedSession {
  session: HilSession;
  findings: WiringFinding[];
  fw: { version: string; board: string; device: string } | null;
}

/** Longest wait for one cleanup step (closing a port, the sim, a client). */
export const CLEANUP_STEP_MS = 3000;

interface Cleanup {
  fns: Array<() => Promise<void> | void>;
}

async function runCleanup(c: Cleanup): Promise<void> {
  for (const fn of c.fns.splice(0).reverse()) {
    try {
      // A wedged port or server must not hang the run after its result is known.
      await Promise.race([fn(), new Promise((r) => setTimeout(r, CLEANUP_STEP_MS).unref())]);
    } catch {
      // best effort: the run's result is already decided
    }
  }
}

async function resolvePath(match: PortMatch, what: string): Promise<string> {
  if (match.path && !match.vendorId && !match.productId && !match.serialNumber) return match.path;
  try {
    return (await findPort(match)).path;
  } catch (e) {
    throw new HilError(
      'port_missing',
      `${what}: ${errorMessage(e)}`,
      'plug the board in, or run `hil ports` and fix the bench file',
    );
  }
}

function serialStageError(e: unknown, what: string, path: string): HilError {
  if (e instanceof HilError) return e;
  if (isSerialError(e, 'port_missing')) {
    return new HilError(
      'port_missing',
      `${what} port ${path} does not exist`,
      'plug the board in, or run `hil ports` and fix the port in the bench file',
    );
  }
  if (isSerialError(e, 'port_busy')) {
    return new HilError(
      'port_busy',
      `${what} port ${path} is busy (another program has it open)`,
      'close the serial monitor / other run using it',
    );
  }
  return new HilError(
    'port_missing',
    `${what} port ${path}: ${errorMessage(e)}`,
    'check the cable, udev permissions (dialout group) and the port in the bench file',
  );
}

/** Runs every stage up to the suites and returns the live session; on failure cleans up and throws a HilError. */
export async function openSession(opts: OpenSessionOptions): Promise<OpenedSession> {
  const { bench, stages } = opts;
  const cleanup: Cleanup = { fns: [] };
  const serialLog: SerialLog = new BoundedLog();
  const transcript: Transcript = new BoundedLog();
  const log = (text: string) => serialLog.push({ at: Date.now(), text });
  try {
    let sim: SimBench | null = null;
    let binding: AnyBinding | undefined;
    let dutPath: string;
    let probePath: string;
    const config = resolveConfig(bench.device ?? DEFAULT_SIM_CONFIG);
    const wiring: WiringSpec = bench.wiring
      ? { dutVcc: bench.wiring.dutVcc ?? 3.3, probe: bench.probe.board, wires: bench.wiring.wires }
      : { ...DEFAULT_SIM_WIRING, probe: bench.probe.board };

    if (bench.kind === 'hardware') {
      dutPath = await resolvePath(bench.dut.port, 'DUT');
      probePath = await resolvePath(bench.probe.port, 'probe');
      const locks: BenchLock[] = await stages.run(
        'lock',
        async () => {
          const a = await acquireLock(dutPath, {
            owner: `hil ${bench.name}`,
            ...(opts.lockDir ? { dir: opts.lockDir } : {}),
          });
          cleanup.fns.push(() => a.release());
          const b = await acquireLock(probePath, {
            owner: `hil ${bench.name}`,
            ...(opts.lockDir ? { dir: opts.lockDir } : {}),
          });
          cleanup.fns.push(() => b.release());
          return [a, b];
        },
        (l) => l.map((x) => x.path).join(', '),
      );
      void locks;
    } else {
      const faults = [...bench.sim.faults, ...(opts.simFaults ?? [])];
      const starting = startSimBench({
        config: bench.device ?? DEFAULT_SIM_CONFIG,
        wiring,
        latency: opts.latency ?? bench.sim.latency,
        probe: simProbeOptions(bench.sim.probe),
        faults,
        ...(bench.dut.token ? { token: bench.dut.token } : {}),
        ...(bench.sim.seed !== null ? { seed: bench.sim.seed } : {}),
        ...(bench.sim.backend === 'native'
          ? {
              backend: nativeBackendFactory(bench.sim.executable ? { executable: bench.sim.executable } : {}),
            }
          : {}),
      });
      // A simulator (or its device backend) that never comes up is a bench error, not a hang.
      let simTimer: NodeJS.Timeout | undefined;
      sim = await Promise.race([
        starting.catch((err: unknown) => {
          // The simulator refusing to start (bad config, a native backend that is not built) is a bench error.
          if (err instanceof SimError) {
            throw new HilError(
              'never_ready',
              `the simulated bench could not start: ${err.message}`,
              err.code === 'bad_option'
                ? 'build what it names, or fix the "sim" section of the bench file'
                : 'fix the device config or the "sim" section of the bench file',
            );
          }
          throw err;
        }),
        new Promise<never>((_, reject) => {
          simTimer = setTimeout(() => {
            void starting.then((late) => late.close()).catch(() => {});
            reject(
              new HilError(
                'never_ready',
                `the simulated bench did not start within ${bench.timeouts.readyMs} ms`,
                'check the sim backend (device config, --sim-fault arguments); timeouts.readyMs bounds this',
              ),
            );
          }, bench.timeouts.readyMs);
        }),
      ]).finally(() => clearTimeout(simTimer));
      const s = sim;
      cleanup.fns.push(() => s.close());
      if (bench.kind === 'sim-pty') {
        // Same sim, reached like hardware: native serialport binding on socat pseudo-terminals.
        const native = await nativeBinding();
        const virtual = sim.binding as unknown as AnyBinding;
        const d = await bridgeToPty({
          binding: virtual,
          path: sim.dutPath,
          native,
          baudRate: bench.dut.baud,
        });
        cleanup.fns.push(() => d.close());
        const p = await bridgeToPty({
          binding: virtual,
          path: sim.probePath,
          native,
          baudRate: bench.probe.baud,
        });
        cleanup.fns.push(() => p.close());
        dutPath = d.path;
        probePath = p.path;
      } else {
        binding = sim.binding as unknown as AnyBinding;
        dutPath = sim.dutPath;
        probePath = sim.probePath;
      }
      stages.skip('lock', 'simulated bench: private to this process');
    }

    if (bench.firmware) {
      await stages.run(
        'flash',
        () => flash({ bench, port: dutPath, onLine: (l) => log(`[flash] ${l}`) }),
        (d) => d,
      );
    } else stages.skip('flash', 'no firmware section in the bench file');

    // Serial console first, so the boot log after the reset is complete.
    let conn: SerialConnection;
    try {
      conn = await openSerialPort({
        path: dutPath,
        baudRate: bench.dut.baud,
        ...(binding ? { binding } : {}),
      } as Parameters<typeof openSerialPort>[0]);
    } catch (e) {
      throw serialStageError(e, 'DUT', dutPath);
    }
    cleanup.fns.push(() => conn.close());
    const console = new SerialConsole(conn, { requestTimeoutMs: bench.timeouts.requestMs });
    const lines: string[] = [];
    console.on('item', () => {
      const last = console.entries(console.mark() - 1)[0];
      if (last) {
        lines.push(last.text);
        if (lines.length > 5000) lines.shift();
        log(last.text);
      }
    });
    const since = console.mark();
    const doReset = async () => {
      if (bench.dut.reset === 'esptool') await resetToRunMode(conn);
      else if (bench.dut.reset === 'sim') {
        if (!sim)
          throw new HilError(
            'reset_failed',
            'reset "sim" needs a simulated bench',
            'use "esptool" on hardware',
          );
        void sim.dut.reset();
      }
    };
    if (bench.dut.reset === 'none') stages.skip('reset', 'reset "none": waiting for the board as it is');
    else
      await stages.run(
        'reset',
        async () => {
          try {
            await doReset();
          } catch (e) {
            if (e instanceof HilError) throw e;
            throw new HilError(
              'reset_failed',
              `DTR/RTS reset of ${dutPath} failed: ${errorMessage(e)}`,
              'pseudo-terminals cannot carry DTR/RTS: use reset "none" or "sim" there',
            );
          }
          return bench.dut.reset;
        },
        (m) => m,
      );

    const ready = await stages.run(
      'ready',
      async () => {
        let r: Awaited<ReturnType<typeof waitForReady>>;
        try {
          r = await waitForReady(console, {
            since,
            timeoutMs: bench.timeouts.readyMs,
            baudRate: bench.dut.baud,
          });
        } catch (e) {
          throw new HilError(
            'never_ready',
            `the DUT never printed its ready line: ${errorMessage(e)}`,
            'check the firmware boots (serial log in the report), the baud rate and the reset wiring',
          );
        }
        // A boot loop prints ready lines too: the DUT must stay up for bootSettleMs after one.
        const reboot = await new Promise<{ reason: string } | null>((resolve) => {
          const timer = setTimeout(() => {
            off();
            resolve(null);
          }, bench.timeouts.bootSettleMs);
          const off = console.on('machine', (m) => {
            if (m.t !== 'boot') return;
            clearTimeout(timer);
            off();
            resolve(m);
          });
        });
        if (reboot) {
          throw new HilError(
            'never_ready',
            `the DUT rebooted within ${bench.timeouts.bootSettleMs} ms of its ready line (reset reason "${reboot.reason}"): boot loop`,
            'read the panic in the serial log (report.html / serial.log): the firmware crashes right after boot',
          );
        }
        return r;
      },
      (r) => `${r.boot ? `fw ${r.boot.fw} on ${r.boot.board}, ` : ''}${r.ready.url ?? 'no IP'}`,
    );

    let url = bench.dut.url === 'discover' ? ready.ready.url : bench.dut.url;
    if (bench.improv) {
      const creds = bench.improv;
      url = await stages.run(
        'provision',
        async () => {
          try {
            const r = await new ImprovClient(console, {
              provisionTimeoutMs: bench.timeouts.provisionMs,
            }).provision({
              ssid: creds.ssid,
              password: creds.password,
              timeoutMs: bench.timeouts.provisionMs,
            });
            return bench.dut.url === 'discover' ? (r.urls.find((u) => u.startsWith('ws')) ?? url) : url;
          } catch (e) {
            throw new HilError(
              'provision_failed',
              `Improv provisioning failed: ${errorMessage(e)}`,
              'check improv.ssid/password and that the AP is in range',
            );
          }
        },
        (u) => u ?? '',
      );
    } else stages.skip('provision', 'no improv section');

    const clientOpts = (label: string): ClientOptions => ({
      timeoutMs: bench.timeouts.connectMs,
      requestTimeoutMs: bench.timeouts.requestMs,
      ...(bench.dut.token ? { token: bench.dut.token } : {}),
      reconnect: { initialDelayMs: 50, maxDelayMs: 1000, factor: 2, jitter: 'full' },
      heartbeat: false,
      WebSocket: recordingWebSocket(transcript, label),
      // A suite's assertion in a dut.on() listener must fail its test, not be logged and swallowed.
      onListenerError: (error, event) => reportEscape(error, `client '${event}' listener (${label})`),
    });
    const wsUrl = url;
    const dut = await stages.run(
      'connect',
      async () => {
        if (!wsUrl) {
          throw new HilError(
            'connect_failed',
            'the DUT is up but reported no network address (ready line without IP)',
            bench.improv
              ? 'provisioning did not give a URL: check the AP'
              : 'add an "improv" section to provision WiFi, or set dut.url',
          );
        }
        try {
          return await connect(wsUrl, clientOpts('dut'));
        } catch (e) {
          throw new HilError(
            'connect_failed',
            `WebSocket connect to ${wsUrl} failed: ${errorMessage(e)}`,
            'check the DUT is on the same network and dut.token',
          );
        }
      },
      () => wsUrl ?? '',
    );
    cleanup.fns.push(() => dut.close());

    const probe = await stages.run(
      'probe',
      async () => {
        try {
          return await ProbeMonitor.open({
            path: probePath,
            baudRate: bench.probe.baud,
            binding: binding ?? (await nativeBinding()),
            timeoutMs: bench.timeouts.probeMs,
          });
        } catch (e) {
          if (e instanceof HilError) throw e;
          throw serialStageError(e, 'probe', probePath);
        }
      },
      () => `${bench.probe.board} on ${probePath}`,
    );
    cleanup.fns.push(() => probe.close());
    // StandardFirmata boots with every pin OUTPUT LOW, which holds an active-low button pressed: release them.
    for (const w of wiring.wires) if (w.kind === 'drive') probe.driveDigital(w.probePin, 1);

    const profile = {
      ...PROBE_BOARDS[bench.probe.board],
      ...(bench.probe.vref ? { vref: bench.probe.vref } : {}),
    };
    const findings = await stages.run(
      'wiring',
      async () => {
        const f = await checkWiring({
          client: dut,
          probe,
          spec: wiring,
          profile,
          config,
          observeMs: bench.timeouts.observeMs,
          full: opts.wiringCheck === 'full',
        });
        const crossed = f.filter((x) => x.status === 'crossed');
        if (crossed.length > 0 && opts.wiringCheck === 'quick') {
          throw new HilError(
            'wiring_crossed',
            `wiring check failed: ${crossed.map((c) => c.detail).join('; ')}`,
            `swap the wires '${crossed[0]!.wire}' and '${crossed[0]!.otherWire}' back (see the wiring table), then run \`hil doctor\``,
          );
        }
        return f;
      },
      (f) => f.map((x) => `${x.wire}: ${x.status}`).join(', '),
    );

    const extra = new Set<DeviceClient>();
    let expectedReboots = 0;
    const reboots: { at: number; from: string; to: string; expected: boolean }[] = [];
    dut.on('reboot', (e) => {
      const expected = expectedReboots > 0;
      if (expected) expectedReboots--;
      reboots.push({ at: Date.now(), from: e.previousBoot, to: e.boot, expected });
    });
    const serial: SerialFixture = {
      get lines() {
        return lines;
      },
      async waitForLine(pattern, timeoutMs = bench.timeouts.readyMs) {
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
    const session: HilSession = {
      bench,
      wiring,
      url: wsUrl ?? '',
      expect: {
        fw: ready.boot?.fw ?? null,
        caps: dut.caps,
        targetOfPin: (pin) => targetOfPin(config, pin),
      },
      config,
      dut,
      serial,
      probe,
      profile,
      serialLog,
      transcript,
      findings,
      sweep: [],
      latencySamples: [],
      sim,
      async connect(label, o) {
        const c = await connect(wsUrl ?? '', { ...clientOpts(label), reconnect: false, ...o });
        extra.add(c);
        return c;
      },
      async closeExtra() {
        for (const c of extra) await c.close().catch(() => {});
        extra.clear();
      },
      reboots,
      expectReboot() {
        expectedReboots++;
      },
      async reset() {
        expectedReboots++;
        const mark = console.mark();
        await doReset();
        await waitForReady(console, {
          since: mark,
          timeoutMs: bench.timeouts.readyMs,
          baudRate: bench.dut.baud,
        });
      },
      async close() {
        for (const c of extra) await c.close().catch(() => {});
        await runCleanup(cleanup);
      },
    };
    const fw = ready.boot
      ? { version: ready.boot.fw, board: ready.boot.board, device: ready.boot.device }
      : null;
    return { session, findings, fw };
  } catch (e) {
    await runCleanup(cleanup);
    const err = toHilError(e);
    throw Object.assign(err, { serialLog: serialLog.entries });
  }
}

async function nativeBinding(): Promise<AnyBinding> {
  const { autoDetect } = await import('@serialport/bindings-cpp');
  return autoDetect() as unknown as AnyBinding;
}
