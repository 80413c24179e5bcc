import type { ProbeDrive, ProbeIO } from '../probe/probe-io';

/**
 * Unit-level stand-in for the wiring a VirtualProbe sits on: settable digital and analog inputs that notify the
 * probe on change. Subclasses decide how to record what the probe drives.
 */
export abstract class FakeProbeIO implements ProbeIO {
  digital = new Map<number, 0 | 1>();
  analog = new Map<number, number>();
  private listeners = new Set<() => void>();
  probeDigital(pin: number) {
    return this.digital.get(pin) ?? null;
  }
  probeAnalog(channel: number) {
    return this.analog.get(channel) ?? null;
  }
  abstract setProbeOutput(pin: number, drive: ProbeDrive): void;
  onProbeInputChange(listener: () => void) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  setDigital(pin: number, level: 0 | 1) {
    this.digital.set(pin, level);
    for (const l of this.listeners) l();
  }
}
