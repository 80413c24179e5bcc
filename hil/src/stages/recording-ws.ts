import WebSocket from 'ws';
import type { Transcript } from '../session/log';

/** Longest frame text kept in the transcript. */
export const TRANSCRIPT_FRAME_CHARS = 400;

const clip = (s: string) =>
  s.length > TRANSCRIPT_FRAME_CHARS ? `${s.slice(0, TRANSCRIPT_FRAME_CHARS)}… (${s.length} chars)` : s;

/** A `ws` WebSocket class that copies every frame in and out into the transcript (handed to the client as its ctor). */
export function recordingWebSocket(transcript: Transcript, conn: string): typeof WebSocket {
  return class RecordingWebSocket extends WebSocket {
    override send(data: unknown, ...rest: unknown[]): void {
      transcript.push({ at: Date.now(), dir: 'out', conn, text: clip(String(data)) });
      (super.send as (...a: unknown[]) => void)(data, ...rest);
    }
    override emit(event: string | symbol, ...args: unknown[]): boolean {
      if (event === 'message')
        transcript.push({ at: Date.now(), dir: 'in', conn, text: clip(String(args[0])) });
      else if (event === 'close')
        transcript.push({
          at: Date.now(),
          dir: 'meta',
          conn,
          text: `closed ${String(args[0])} ${String(args[1] ?? '')}`,
        });
      else if (event === 'open') transcript.push({ at: Date.now(), dir: 'meta', conn, text: 'open' });
      return super.emit(event, ...args);
    }
  };
}
