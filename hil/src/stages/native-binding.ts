import type { AnyBinding } from '../probe/monitor';

/** The OS serialport binding, loaded only when a bench needs it (the sim bench never does). */
export async function nativeBinding(): Promise<AnyBinding> {
  const { autoDetect } = await import('@serialport/bindings-cpp');
  return autoDetect() as unknown as AnyBinding;
}
