/**
 * The TypeScript DeviceBackend: device-model's pure state machine behind @esphil/protocol's decoder.
 * It is what the C++ firmware core mirrors (both run the same conformance vectors), so the sim answers
 * exactly as a board would.
 */
import {
  applyInput,
  bootEffects,
  createMachine,
  type DeviceConfig,
  type DeviceIdentity,
  type Input,
  legacyStep,
  type MachineState,
  type Origin,
  type StepContext,
  step,
} from '@esphil/device-model';
import {
  type DeviceStateSnapshot,
  decodeRequest,
  type ErrorResponse,
  encodeMessage,
  isLegacyText,
  MAX_FRAME_BYTES,
} from '@esphil/protocol';
import type { BackendOutput, BackendStart, DeviceBackend, DeviceBackendFactory } from './backend';

export interface TsBackendOptions {
  /** Frames longer than this are answered `too_large` (the transport's own limit closes with 1009 first). */
  maxFrameBytes?: number;
}

export class TsBackend implements DeviceBackend {
  private state: MachineState | null = null;
  private readonly maxFrameBytes: number;

  constructor(opts: TsBackendOptions = {}) {
    this.maxFrameBytes = opts.maxFrameBytes ?? MAX_FRAME_BYTES;
  }

  async start(config: DeviceConfig, _identity: DeviceIdentity): Promise<BackendStart> {
    const state = createMachine(config);
    this.state = state;
    return { caps: state.caps, state: state.snapshot, effects: bootEffects(state) };
  }

  private machine(): MachineState {
    if (!this.state) throw new Error('TsBackend used before start()');
    return this.state;
  }

  async handleFrame(text: string, from: Origin, ctx: StepContext): Promise<BackendOutput> {
    const state = this.machine();
    const legacy = isLegacyText(text);
    if (legacy !== null) {
      // PROTOCOL.md 9: refused (legacy off, no LED, unauthorized slot) = no answer, no change.
      const r = legacyStep(state, legacy, { ...ctx, from });
      this.state = r.state;
      return {
        reply: r.reply,
        events: r.reply === null ? [] : r.events,
        effects: r.reply === null ? [] : r.effects,
      };
    }
    const decoded = decodeRequest(text, { maxBytes: this.maxFrameBytes });
    if (!decoded.ok) {
      const err: ErrorResponse = {
        t: 'res',
        id: decoded.error.id,
        ok: false,
        error: { code: decoded.error.code, msg: decoded.error.message },
      };
      return { reply: encodeMessage(err), events: [], effects: [] };
    }
    const r = step(state, decoded.value, { ...ctx, from });
    this.state = r.state;
    return { reply: encodeMessage(r.response), events: r.events, effects: r.effects };
  }

  async handleInput(input: Input, ctx: StepContext): Promise<BackendOutput> {
    const r = applyInput(this.machine(), input, ctx);
    this.state = r.state;
    return { reply: null, events: r.events, effects: r.effects };
  }

  async snapshot(): Promise<DeviceStateSnapshot> {
    return this.machine().snapshot;
  }

  async close(): Promise<void> {
    this.state = null;
  }
}

export function createTsBackend(opts?: TsBackendOptions): DeviceBackend {
  return new TsBackend(opts);
}

export const tsBackendFactory: DeviceBackendFactory = () => new TsBackend();
