/**
 * `pnpm bench`: every scenario, each interleaved against its baselines in this one process run, then the
 * table on stdout and bench-results/{results.json,BENCHMARKS.md} at the repository root.
 * `node dist/main.mjs rtt push` runs a subset (names: rtt push fleet codec hil history flash).
 */
import { fileURLToPath } from 'node:url';
import { forkDeviceProcess } from './apart/device-process';
import { runRttApart } from './apart/rtt-apart';
import { cliRunner } from './hil/cli-runner';
import { machineInfo } from './machine';
import { type BenchReport, markdownTable, writeReport } from './report';
import { runCodec } from './scenarios/codec';
import { runFlashBench } from './scenarios/flash';
import { FLEET_DEFAULTS, runFleet } from './scenarios/fleet';
import { runHilScenario } from './scenarios/hil';
import { runHistoryScenario } from './scenarios/history';
import { runPush } from './scenarios/push';
import { runRtt } from './scenarios/rtt';

const only = process.argv.slice(2);
const want = (name: string): boolean => only.length === 0 || only.includes(name);
const say = (s: string): void => {
  process.stderr.write(`[bench] ${s}\n`);
};

const started = performance.now();
const report: BenchReport = { machine: machineInfo(), durationS: 0, rows: [], skipped: [], notes: [] };

if (want('codec')) {
  say('4 codec');
  report.rows.push(...(await runCodec()).rows);
}
if (want('rtt')) {
  say('1 command round trip (esphil / raw ws / MQTT, then HTTP polling)');
  const rtt = await runRtt();
  report.rows.push(...rtt.rows);
  if (rtt.nativeSkipped) report.skipped.push({ scenario: '1 command round trip', reason: rtt.nativeSkipped });
  const deviceWorker = fileURLToPath(new URL('./rtt-device-worker.mjs', import.meta.url));
  report.rows.push(...(await runRttApart(() => forkDeviceProcess(deviceWorker))).rows);
}
if (want('push')) {
  say('2 push latency (1, 5, 100 clients)');
  report.rows.push(...(await runPush()).rows);
}
if (want('fleet')) {
  say('3 fleet (1,000 devices in 4 sim processes, 10 Hz)');
  const workerPath = fileURLToPath(new URL('./fleet-worker.mjs', import.meta.url));
  const r = await runFleet({ ...FLEET_DEFAULTS, workerPath });
  report.rows.push(...r.rows);
  report.notes.push(
    `fleet: event-loop delay p99 ${r.clientLoopDelayP99Ms.toFixed(1)} ms in the client process, ` +
      `${r.deviceLoopDelayP99Ms?.toFixed(1) ?? '-'} ms in the worst sim process (stalls there land in the latency tail)`,
  );
}
if (want('hil')) {
  say('5 HIL run on the sim (zero / wifi latency, via the hil CLI)');
  const probe = fileURLToPath(new URL('./cpu-probe.mjs', import.meta.url));
  const r = await runHilScenario(cliRunner(probe));
  report.rows.push(...r.rows);
  const z = r.byProfile.zero;
  if (z.runCpuMs !== null) {
    const busy = z.runCpuMs / z.wallMs;
    report.notes.push(
      `HIL zero latency: runHil ${z.wallMs.toFixed(0)} ms, of which ${z.runCpuMs.toFixed(0)} ms runner CPU ` +
        `(${(busy * 100).toFixed(0)} %: vitest, session, sim computation) and ${(z.wallMs - z.runCpuMs).toFixed(0)} ms ` +
        'waiting on timers (the modelled physics: RC settling, reset pulses, debounce; plus scheduler delay on a ' +
        `loaded machine). Around it: ${z.startupMs?.toFixed(0) ?? '-'} ms CLI start-up and ` +
        `${z.shutdownMs?.toFixed(0) ?? '-'} ms from the summary line to process exit.`,
    );
  }
}
if (want('history')) {
  say('6 hil history on 365 nights x 60 tests x 4 benches');
  report.rows.push(...(await runHistoryScenario()).rows);
}
if (want('flash')) {
  say('7 flashing throughput on the sim (esptool-js, ~1 MB app, 460800 baud)');
  const r = await runFlashBench();
  report.rows.push(...r.rows);
  report.notes.push(
    `flash: ${r.imageBytes} B app deflated to ${r.compressedBytes} B; ${r.wireBytesPerSecond.toFixed(0)} B/s on ` +
      `the wire vs the ${r.limitBytesPerSecond} B/s UART limit. The virtual binding does not pace bytes by baud, so ` +
      'this measures esptool-js, the adapter and the ROM model, not a wire.',
  );
}
report.rows.sort((a, b) => a.scenario.localeCompare(b.scenario, 'en', { numeric: true }));
report.durationS = (performance.now() - started) / 1000;

const root = fileURLToPath(new URL('../../../', import.meta.url));
const files = await writeReport(`${root}bench-results`, report);
console.log(markdownTable(report.rows));
for (const n of report.notes) console.log(`note: ${n}`);
for (const s of report.skipped) console.log(`left out: ${s.scenario}: ${s.reason}`);
console.log(`\nwrote ${files.json} and ${files.md} (${report.durationS.toFixed(0)} s)`);
process.exit(0);
