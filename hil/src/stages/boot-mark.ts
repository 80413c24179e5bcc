import type { SerialConnection, SerialConsole } from '@esphil/serial';

/**
 * The boot mark for a reset about to be made: input still unread in the OS buffer (the end of an earlier boot's
 * output, bytes late through socat) is dropped, then the console's position is taken. Lines before the mark belong to
 * an earlier boot; the ready wait and the boot-failure watch look from the mark on. Take it right before the reset:
 * the new boot's first lines can arrive before the reset call returns (the sim prints at once).
 */
export async function markBeforeReset(conn: SerialConnection, console: SerialConsole): Promise<number> {
  // Best effort: a port that cannot flush still gets its mark (lines read before it are already behind it).
  await conn.flush().catch(() => undefined);
  return console.mark();
}
