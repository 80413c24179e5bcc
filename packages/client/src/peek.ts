/**
 * A second look at a frame the codec refused, to learn what it was meant to be (a hello, an answer to request 7
 * with error code "teapot"). Only called on the error path; the frame was already bounded by maxPayload.
 */
export function peekObject(text: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** The error code of a refused `res` with `ok: false`, if it has a string one. */
export function peekErrorCode(o: Record<string, unknown>): string | undefined {
  const e = o.error;
  if (typeof e !== 'object' || e === null) return undefined;
  const code = (e as Record<string, unknown>).code;
  return typeof code === 'string' ? code : undefined;
}
