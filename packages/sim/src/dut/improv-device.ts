/**
 * Improv Wi-Fi serial, device side. The packet codec is @esphil/protocol's (the host side uses the same one);
 * this file adds what the firmware does around it: every packet it sends ends with a newline, so a reader that
 * splits the console into lines resyncs after it.
 */
import {
  encodeImprovPacket,
  type ImprovCommandName,
  type ImprovErrorName,
  type ImprovPacket,
  type ImprovStateName,
} from '@esphil/protocol';

function devicePacket(packet: ImprovPacket): Uint8Array {
  const bytes = encodeImprovPacket(packet);
  const out = new Uint8Array(bytes.length + 1);
  out.set(bytes);
  out[bytes.length] = 0x0a;
  return out;
}

export function improvState(state: ImprovStateName): Uint8Array {
  return devicePacket({ type: 'current_state', state });
}

export function improvError(error: ImprovErrorName): Uint8Array {
  return devicePacket({ type: 'error_state', error });
}

export function improvResult(command: ImprovCommandName, strings: readonly string[]): Uint8Array {
  return devicePacket({ type: 'rpc_result', command, strings: [...strings] });
}
