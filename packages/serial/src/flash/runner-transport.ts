import { Transport } from 'esptool-js';

/**
 * esptool-js's Transport, made abortable (after abort every read/write throws at once instead of esploader
 * retrying reads for minutes) and quiet (its readLoop traces to console.log even with tracing off).
 */
export class RunnerTransport extends Transport {
  aborted = false;
  onTrace: ((line: string) => void) | undefined;
  override trace(message: string): void {
    this.onTrace?.(message);
  }
  override async read(timeout: number): Promise<Uint8Array> {
    if (this.aborted) throw new Error('aborted');
    return super.read(timeout);
  }
  override async write(data: Uint8Array): Promise<void> {
    if (this.aborted) throw new Error('aborted');
    return super.write(data);
  }
}
