/**
 * The stages that depend on what the DUT speaks. For the esphil protocol they are the stock ready and connect
 * stages; for any other firmware the adapter's ready pattern and its connect().
 */
import type { ReadyResult } from '@esphil/serial';
import { errorMessage, HilError } from '../errors';
import { abortable } from '../stages/abort';
import { connectStage } from '../stages/connect';
import { readyStage } from '../stages/ready';
import { recordingWebSocket } from '../stages/recording-ws';
import type { Stage, StageContext } from '../stages/stage';
import { esphilAdapter, esphilIo } from './esphil';
import { adapterForBench, capabilitiesOf, ioProblems } from './load';
import { rebootAfterReady, waitForPattern } from './ready';
import type { DutReadySpec, DutSocketClass } from './types';

/** Setup step before the bench is touched: loads the adapter (a broken module is exit 2 before any port opens). */
export const dutAdapterStage: Stage = {
  name: 'setup:adapter',
  async run(ctx) {
    const adapter = await adapterForBench(ctx.bench);
    if (ctx.bench.improv && !capabilitiesOf(adapter, ctx.bench).has('improv')) {
      throw new HilError(
        'bench_invalid',
        `the bench has an improv section, but the DUT (${adapter.name}) cannot do improv`,
        'remove the improv section and give dut.url, or use an adapter that declares "improv"',
      );
    }
    return { adds: { adapter } };
  },
};

/** The ready line a pattern-ready DUT gets in the report: its URL, and proto 0 (it speaks no esphil protocol). */
function readyResult(url: string | null, log: string[]): ReadyResult {
  let ip: string | null = null;
  let port = 0;
  let path = '/';
  if (url) {
    try {
      const u = new URL(url);
      ip = u.hostname.replace(/^\[|\]$/g, '');
      port = Number(u.port || 80);
      path = u.pathname;
    } catch {
      // dut.url was validated; a url() that returns junk leaves the address unknown.
    }
  }
  return { ready: { t: 'ready', ip, port, path, url, proto: 0 }, log };
}

async function patternReady(ctx: StageContext, spec: DutReadySpec) {
  const { bench } = ctx;
  const console = ctx.need('console');
  let found: Awaited<ReturnType<typeof waitForPattern>>;
  try {
    found = await waitForPattern(console, spec, {
      since: ctx.need('bootMark'),
      timeoutMs: bench.timeouts.readyMs,
      signal: ctx.signal,
    });
  } catch (e) {
    if (ctx.signal.aborted) throw e;
    throw new HilError(
      'never_ready',
      `the DUT (${ctx.need('adapter').name}) never printed its ready line: ${errorMessage(e)}`,
      'check the firmware boots (serial log in the report), the baud rate, and the ready pattern (dut.ready)',
    );
  }
  const again = await rebootAfterReady(console, spec, bench.timeouts.bootSettleMs, ctx.signal);
  if (again !== null) {
    throw new HilError(
      'never_ready',
      `the DUT rebooted within ${bench.timeouts.bootSettleMs} ms of its ready line ("${again}"): boot loop`,
      'read the serial log (report.html / serial.log): the firmware restarts right after boot',
    );
  }
  const url = bench.dut.url === 'discover' ? found.url : bench.dut.url;
  return {
    detail: `${found.line}${url ? `, ${url}` : ', no URL'}`,
    adds: { ready: readyResult(url, found.lines), url },
  };
}

/** Stage `ready`: the esphil ready line, or the adapter's pattern. */
export const dutReadyStage: Stage = {
  name: 'ready',
  ...(readyStage.skip ? { skip: readyStage.skip } : {}),
  async run(ctx) {
    const spec = ctx.need('adapter').ready;
    return spec === 'esphil' ? readyStage.run(ctx) : patternReady(ctx, spec);
  },
};

/** Stage `connect`: the esphil client (and its io), or the adapter's connect(); adds `io` (closed on cleanup). */
export const dutConnectStage: Stage = {
  name: 'connect',
  async run(ctx) {
    const adapter = ctx.need('adapter');
    if (adapter === esphilAdapter) {
      const done = await connectStage.run(ctx);
      const dut = done?.adds?.dut;
      if (!dut) throw new HilError('internal', 'the connect stage added no client', 'this is a runner bug');
      return { ...done, adds: { ...done.adds, io: esphilIo(dut, { ownsClient: false }) } };
    }
    const url = ctx.parts.url ?? null;
    if (!url) {
      throw new HilError(
        'connect_failed',
        `the DUT (${adapter.name}) is up but its console did not tell its address`,
        'set dut.url in the bench file (e.g. "ws://192.168.1.42:81/"), or a dut.ready pattern whose line has the IP',
      );
    }
    const { bench } = ctx;
    try {
      const io = await abortable(
        adapter.connect({
          url,
          timeoutMs: bench.timeouts.connectMs,
          requestTimeoutMs: bench.timeouts.requestMs,
          token: bench.dut.token,
          config: ctx.config,
          WebSocket: recordingWebSocket(ctx.transcript, 'dut') as unknown as DutSocketClass,
        }),
        ctx.signal,
        (late) => late.close(),
      );
      ctx.onCleanup(() => io.close());
      const problems = ioProblems(io, capabilitiesOf(adapter, bench));
      if (problems.length > 0) {
        throw new HilError(
          'adapter_invalid',
          `the DUT adapter ${adapter.name}: ${problems.join('; ')}`,
          'give the io every method its capabilities need (hil/README.md, "Any firmware under test")',
        );
      }
      return { detail: `${url} (${adapter.name})`, adds: { io } };
    } catch (e) {
      if (ctx.signal.aborted || e instanceof HilError) throw e;
      throw new HilError(
        'connect_failed',
        `connecting to the DUT (${adapter.name}) at ${url} failed: ${errorMessage(e)}`,
        'check the DUT is on the same network, and dut.url / the ready pattern',
      );
    }
  },
};
