import type { VirtualPortBinding } from '../binding/virtual-binding';

/** Reads everything the board sends, like a host would; take() returns what arrived so far. */
export function hostReader(port: VirtualPortBinding) {
  const received: number[] = [];
  const buf = Buffer.alloc(4096);
  void (async () => {
    try {
      for (;;) {
        const r = await port.read(buf, 0, buf.length);
        received.push(...buf.subarray(0, r.bytesRead));
      }
    } catch {
      // port closed
    }
  })();
  return {
    async take(): Promise<number[]> {
      // Pushes are synchronous and reads resolve on microtasks: one macrotask turn delivers everything.
      await new Promise((r) => setImmediate(r));
      return received.splice(0);
    },
  };
}
