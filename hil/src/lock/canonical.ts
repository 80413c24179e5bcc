import { realpathSync } from 'node:fs';

/**
 * The path the lock is keyed on: symlinks resolved, so /dev/serial/by-id/usb-Silicon_Labs_... and the /dev/ttyUSB0
 * it points to share one lock. A port that does not exist (yet, or a sim name like /sim/dut) is keyed as given:
 * locking must not fail before the port stage can report the missing port properly. Other realpath failures
 * (EACCES on a parent directory, ELOOP) fall back the same way: the worst case is two spellings of one port
 * getting two locks, which is what every lock did before canonicalisation.
 */
export function canonicalPort(port: string): string {
  try {
    return realpathSync.native(port);
  } catch {
    return port;
  }
}
