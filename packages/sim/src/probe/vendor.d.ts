// Minimal typings for the parts of johnny-five 2.1 and firmata-io 2.3 that esphil drives (neither ships types).
// The one copy: hil includes this file through its tsconfig.
declare module 'firmata-io' {
  import type { EventEmitter } from 'node:events';

  interface FirmataPin {
    supportedModes: number[];
    mode?: number;
    value: number;
    analogChannel: number;
  }
  interface FirmataOptions {
    reportVersionTimeout?: number;
    samplingInterval?: number;
    skipCapabilities?: boolean;
  }
  class Firmata extends EventEmitter {
    constructor(
      transport: NodeJS.ReadWriteStream,
      options?: FirmataOptions,
      callback?: (err?: Error) => void,
    );
    readonly isReady: boolean;
    readonly MODES: Record<'INPUT' | 'OUTPUT' | 'ANALOG' | 'PWM' | 'PULLUP', number>;
    readonly pins: FirmataPin[];
    readonly analogPins: number[];
    readonly version: { major: number; minor: number };
    readonly firmware: { name: string; version: { major: number; minor: number } };
    readonly RESOLUTION: { ADC: number | null; PWM: number | null };
    pinMode(pin: number, mode: number): void;
    digitalWrite(pin: number, value: 0 | 1): void;
    analogWrite(pin: number, value: number): void;
    digitalRead(pin: number, cb: (value: number) => void): void;
    analogRead(pin: number, cb: (value: number) => void): void;
    reportAnalogPin(pin: number, value: 0 | 1): void;
    reportDigitalPin(pin: number, value: 0 | 1): void;
    setSamplingInterval(ms: number): void;
    queryPinState(pin: number, cb: () => void): void;
    reset(): void;
  }
  const bindTransport: { Firmata: typeof Firmata };
  export default bindTransport;
}

declare module 'johnny-five' {
  import type { EventEmitter } from 'node:events';

  interface BoardOptions {
    io: EventEmitter;
    repl?: boolean;
    debug?: boolean;
    sigint?: boolean;
    timeout?: number;
  }
  class Board extends EventEmitter {
    constructor(options: BoardOptions);
    readonly isReady: boolean;
    readonly MODES: Record<'INPUT' | 'OUTPUT' | 'ANALOG' | 'PWM' | 'PULLUP', number>;
    readonly RESOLUTION: { ADC: number; PWM: number };
    pinMode(pin: number | string, mode: number): this;
    digitalRead(pin: number | string, cb: (value: number) => void): this;
    analogRead(pin: number | string, cb: (value: number) => void): this;
    digitalWrite(pin: number | string, value: 0 | 1): this;
    analogWrite(pin: number | string, value: number): this;
    samplingInterval(ms: number): this;
    i2cConfig(options?: { delay?: number }): this;
    i2cReadOnce(address: number, bytesToRead: number, cb: (data: number[]) => void): this;
    servoWrite(pin: number | string, value: number): this;
  }
  const five: { Board: typeof Board };
  export default five;
}
