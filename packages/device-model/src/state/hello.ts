import { type AuthRequiredMessage, type HelloMessage, PROTOCOL_VERSION } from '@esphil/protocol';
import type { DeviceIdentity, MachineState } from './types';

/** The first message on a connection (after auth when required). `seq` is the last event seq sent (0 at first). */
export function buildHello(state: MachineState, identity: DeviceIdentity, seq = 0): HelloMessage {
  return {
    t: 'hello',
    proto: PROTOCOL_VERSION,
    fw: identity.fw,
    board: identity.board,
    device: identity.device,
    boot: identity.boot,
    ...(identity.app ? { app: { ...identity.app } } : {}),
    caps: structuredClone(state.caps),
    state: structuredClone(state.snapshot),
    seq,
  };
}

/** Sent instead of hello when the config requires a token; null when it does not. */
export function buildAuthRequired(state: MachineState): AuthRequiredMessage | null {
  if (!state.caps.auth) return null;
  return { t: 'auth_required', proto: PROTOCOL_VERSION, deadlineMs: state.config.websocket.authDeadlineMs };
}
