import type { ClientEventKind, ClientEventOf } from '../events';

interface HasOn {
  on<K extends ClientEventKind>(kind: K, cb: (e: ClientEventOf<K>) => void): () => void;
}

/** Resolves with the next event of `kind` (optionally the next matching `pred`). */
export function nextEvent<K extends ClientEventKind>(
  c: HasOn,
  kind: K,
  pred: (e: ClientEventOf<K>) => boolean = () => true,
): Promise<ClientEventOf<K>> {
  return new Promise((resolve) => {
    const off = c.on(kind, (e) => {
      if (!pred(e)) return;
      off();
      resolve(e);
    });
  });
}
