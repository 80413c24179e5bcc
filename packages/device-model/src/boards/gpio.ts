import type { AdcChannel, GpioInfo } from './types';

/** Builds one GPIO row; only what differs from a plain bidirectional pin needs saying. */
export function gpio(n: number, over: Partial<Omit<GpioInfo, 'gpio'>> = {}): GpioInfo {
  const flash = over.flash ?? false;
  const output = over.output ?? !flash;
  return {
    gpio: n,
    input: over.input ?? !flash,
    output,
    pulls: over.pulls ?? !flash,
    flash,
    psram: over.psram ?? false,
    psramOnVariants: over.psramOnVariants ?? false,
    strapping: over.strapping ?? null,
    uart0: over.uart0 ?? null,
    usb: over.usb ?? null,
    adc: over.adc ?? null,
    pwm: over.pwm ?? output,
    exposed: over.exposed ?? !flash,
    note: over.note ?? null,
  };
}

export function adc(unit: 1 | 2, channel: number): AdcChannel {
  return { unit, channel };
}
