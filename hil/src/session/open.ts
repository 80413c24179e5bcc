import { resolveConfig, type WiringSpec } from '@esphil/device-model';
import { DEFAULT_SIM_CONFIG, DEFAULT_SIM_WIRING } from '@esphil/sim';
import type { ResolvedBench } from '../bench/types';
import { toHilError } from '../errors';
import type { WiringFinding } from '../report/model';
import type { Pipeline } from '../stages/pipeline';
import { SESSION_STAGES } from '../stages/session-stages';
import type { SessionEnv, SessionOptions, SessionParts, Stage } from '../stages/stage';
import { BoundedLog, type SerialLog, type Transcript } from './log';
import { buildSession } from './session';
import type { HilSession } from './types';

export { CLEANUP_STEP_MS } from '../stages/pipeline';

export interface OpenSessionOptions extends SessionOptions {
  bench: ResolvedBench;
  /** Runs the stages: timing, progress, abort, cleanup (session.close() runs the cleanup). */
  pipeline: Pipeline;
  /** Default SESSION_STAGES (tests may pass their own list). */
  stages?: readonly Stage[];
}

export interface OpenedSession {
  session: HilSession;
  findings: WiringFinding[];
  fw: { version: string; board: string; device: string } | null;
}

function sessionEnv(bench: ResolvedBench, options: SessionOptions, serialLog: SerialLog): SessionEnv {
  const wiring: WiringSpec = bench.wiring
    ? { dutVcc: bench.wiring.dutVcc ?? 3.3, probe: bench.probe.board, wires: bench.wiring.wires }
    : { ...DEFAULT_SIM_WIRING, probe: bench.probe.board };
  const transcript: Transcript = new BoundedLog();
  return {
    bench,
    options,
    config: resolveConfig(bench.device ?? DEFAULT_SIM_CONFIG),
    wiring,
    transcript,
    log: (text) => serialLog.push({ at: Date.now(), text }),
  };
}

/**
 * Runs every stage up to the suites and returns the live session. On failure (or abort) runs the cleanup and throws
 * a HilError carrying the serial log so far.
 */
export async function openSession(opts: OpenSessionOptions): Promise<OpenedSession> {
  const { bench, pipeline, stages = SESSION_STAGES, ...options } = opts;
  const serialLog: SerialLog = new BoundedLog();
  const env = sessionEnv(bench, options, serialLog);
  try {
    const parts = (await pipeline.runStages(stages, env)) as SessionParts;
    const session = buildSession(env, parts, pipeline, serialLog);
    const boot = parts.ready.boot;
    const fw = boot ? { version: boot.fw, board: boot.board, device: boot.device } : null;
    return { session, findings: parts.findings, fw };
  } catch (e) {
    await pipeline.close();
    throw Object.assign(toHilError(e), { serialLog: serialLog.entries });
  }
}
