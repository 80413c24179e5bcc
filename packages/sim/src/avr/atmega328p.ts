import {
  AVRADC,
  AVRIOPort,
  AVRTimer,
  AVRTWI,
  AVRUSART,
  adcConfig,
  avrInstruction,
  CPU,
  PinState,
  portBConfig,
  portCConfig,
  portDConfig,
  timer0Config,
  timer1Config,
  timer2Config,
  twiConfig,
  usart0Config,
} from 'avr8js';

/** The Uno's crystal. */
export const UNO_CLOCK_HZ = 16_000_000;
/** ATmega328P SRAM, bytes (avr8js maps it after the 0x100 bytes of registers). */
const SRAM_BYTES = 2048;

export type UnoPinState = 'low' | 'high' | 'input' | 'input-pullup';

/** Arduino Uno pin -> AVR port and bit (pins_arduino.h of the standard variant). */
function portOf(pin: number): { port: 'B' | 'C' | 'D'; bit: number } | null {
  if (pin >= 0 && pin <= 7) return { port: 'D', bit: pin };
  if (pin >= 8 && pin <= 13) return { port: 'B', bit: pin - 8 };
  if (pin >= 14 && pin <= 19) return { port: 'C', bit: pin - 14 };
  return null;
}

/**
 * Timer compare outputs that Arduino's analogWrite() connects (wiring_analog.c): pin -> control register, COM
 * enable bit, compare register, and whether the timer runs fast PWM (Timer0: duty (OCR+1)/256) or phase-correct
 * PWM (Timers 1 and 2: duty OCR/255). Register addresses from the ATmega328P datasheet register summary.
 */
const PWM_OUTPUTS: Record<number, { tccrA: number; com: number; ocr: number; fast: boolean }> = {
  6: { tccrA: 0x44, com: 0x80, ocr: 0x47, fast: true }, // OC0A
  5: { tccrA: 0x44, com: 0x20, ocr: 0x48, fast: true }, // OC0B
  9: { tccrA: 0x80, com: 0x80, ocr: 0x88, fast: false }, // OC1A (8-bit phase correct, OCR1AL)
  10: { tccrA: 0x80, com: 0x20, ocr: 0x8a, fast: false }, // OC1B
  11: { tccrA: 0xb0, com: 0x80, ocr: 0xb3, fast: false }, // OC2A
  3: { tccrA: 0xb0, com: 0x20, ocr: 0xb4, fast: false }, // OC2B
};

/**
 * An ATmega328P on avr8js with the peripherals StandardFirmata uses: three timers, ports B/C/D, the ADC, USART0
 * and TWI (an empty I2C bus: every address NACKs). Only runs when told to (`run`), so time is the caller's.
 */
export class Atmega328p {
  readonly cpu: CPU;
  readonly usart: AVRUSART;
  readonly adc: AVRADC;
  private readonly ports: Record<'B' | 'C' | 'D', AVRIOPort>;

  constructor(flash: Uint8Array) {
    const program = new Uint16Array(
      flash.buffer.slice(flash.byteOffset, flash.byteOffset + flash.byteLength),
    );
    this.cpu = new CPU(program, SRAM_BYTES);
    new AVRTimer(this.cpu, timer0Config);
    new AVRTimer(this.cpu, timer1Config);
    new AVRTimer(this.cpu, timer2Config);
    this.ports = {
      B: new AVRIOPort(this.cpu, portBConfig),
      C: new AVRIOPort(this.cpu, portCConfig),
      D: new AVRIOPort(this.cpu, portDConfig),
    };
    this.adc = new AVRADC(this.cpu, adcConfig);
    this.usart = new AVRUSART(this.cpu, usart0Config, UNO_CLOCK_HZ);
    new AVRTWI(this.cpu, twiConfig, UNO_CLOCK_HZ);
  }

  /** Execute until `cycles` more clock cycles have passed. */
  run(cycles: number): void {
    const cpu = this.cpu;
    const end = cpu.cycles + cycles;
    while (cpu.cycles < end) {
      avrInstruction(cpu);
      cpu.tick();
    }
  }

  pinState(pin: number): UnoPinState | null {
    const at = portOf(pin);
    if (!at) return null;
    switch (this.ports[at.port].pinState(at.bit)) {
      case PinState.High:
        return 'high';
      case PinState.Low:
        return 'low';
      case PinState.InputPullUp:
        return 'input-pullup';
      default:
        return 'input';
    }
  }

  /** What the outside world puts on an input pin. */
  setInput(pin: number, high: boolean): void {
    const at = portOf(pin);
    if (at) this.ports[at.port].setPin(at.bit, high);
  }

  /** Duty of the timer output analogWrite() connected to the pin, or null when the pin is plain GPIO. */
  pwmDuty(pin: number): number | null {
    const out = PWM_OUTPUTS[pin];
    if (!out || (this.cpu.data[out.tccrA]! & out.com) === 0) return null;
    const ocr = this.cpu.data[out.ocr]!;
    return out.fast ? (ocr + 1) / 256 : ocr / 255;
  }

  /** Set an ADC channel's input voltage (the ADC converts floor(V * 1024 / AVcc), AVcc 5 V). */
  setAnalog(channel: number, volts: number): void {
    this.adc.channelValues[channel] = volts;
  }
}
