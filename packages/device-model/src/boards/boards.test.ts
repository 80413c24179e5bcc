import { describe, expect, it } from 'vitest';
import { BOARD_IDS, BOARDS, getBoard, getGpio, getProbeBoard, PROBE_BOARDS, probePwmHz } from './index';

const esp32Boards = [BOARDS['esp32-devkitc'], BOARDS['esp32-doit-devkit-v1']];

describe('ESP32 boards', () => {
  it.each(esp32Boards)('$id: GPIO 34-39 are input-only without pulls', (board) => {
    for (const n of [34, 35, 36, 37, 38, 39]) {
      const g = getGpio(board, n);
      expect(g, `GPIO${n}`).toMatchObject({ input: true, output: false, pulls: false, pwm: false });
    }
  });

  it.each(esp32Boards)('$id: GPIO 6-11 are flash pins, unusable', (board) => {
    for (const n of [6, 7, 8, 9, 10, 11]) {
      expect(getGpio(board, n)).toMatchObject({ flash: true, input: false, output: false, pwm: false });
    }
  });

  it.each(esp32Boards)('$id: strapping pins 0, 2, 5, 12, 15 and nothing else', (board) => {
    const strapping = board.gpios.filter((g) => g.strapping).map((g) => g.gpio);
    expect(strapping).toEqual([0, 2, 5, 12, 15]);
  });

  it.each(esp32Boards)('$id: ADC1 is GPIO 32-39, ADC2 pins are mapped, UART0 on 1/3', (board) => {
    const adc1 = board.gpios.filter((g) => g.adc?.unit === 1).map((g) => g.gpio);
    expect(adc1).toEqual([32, 33, 34, 35, 36, 37, 38, 39]);
    expect(getGpio(board, 34)?.adc).toEqual({ unit: 1, channel: 6 });
    expect(getGpio(board, 4)?.adc).toEqual({ unit: 2, channel: 0 });
    expect(getGpio(board, 27)?.adc).toEqual({ unit: 2, channel: 7 });
    expect(getGpio(board, 1)?.uart0).toBe('TX');
    expect(getGpio(board, 3)?.uart0).toBe('RX');
  });

  it.each(esp32Boards)('$id: PWM on every usable GPIO below 34; 20, 24, 28-31 do not exist', (board) => {
    for (const g of board.gpios) expect(g.pwm, `GPIO${g.gpio}`).toBe(g.gpio < 34 && !g.flash);
    for (const n of [20, 24, 28, 29, 30, 31, 40]) expect(getGpio(board, n)).toBeUndefined();
  });

  it('LEDC: 16 channels in two groups, 1-20 bits, high-speed group 0', () => {
    for (const b of esp32Boards) {
      expect(b.ledc).toMatchObject({
        channels: 16,
        groups: 2,
        timersPerGroup: 4,
        maxBits: 20,
        highSpeedGroup: true,
      });
    }
  });

  it('DOIT DevKit V1 has LED_BUILTIN = 2; DevKitC none; DevKitC warns about WROVER PSRAM on 16/17', () => {
    expect(BOARDS['esp32-doit-devkit-v1'].ledBuiltin).toBe(2);
    expect(BOARDS['esp32-devkitc'].ledBuiltin).toBeNull();
    expect(getGpio(BOARDS['esp32-devkitc'], 16)).toMatchObject({ psram: false, psramOnVariants: true });
    expect(getGpio(BOARDS['esp32-doit-devkit-v1'], 16)).toMatchObject({
      psram: false,
      psramOnVariants: false,
    });
    expect(getGpio(BOARDS['esp32-doit-devkit-v1'], 0)?.exposed).toBe(false);
  });
});

describe('ESP32-S3-DevKitC-1', () => {
  const s3 = BOARDS['esp32-s3-devkitc-1'];
  it('all GPIOs bidirectional; 26-32 flash; 33-37 octal PSRAM; strapping 0, 3, 45, 46', () => {
    expect(s3.gpios.filter((g) => g.flash).map((g) => g.gpio)).toEqual([26, 27, 28, 29, 30, 31, 32]);
    expect(s3.gpios.filter((g) => g.psram).map((g) => g.gpio)).toEqual([33, 34, 35, 36, 37]);
    expect(s3.gpios.filter((g) => g.strapping).map((g) => g.gpio)).toEqual([0, 3, 45, 46]);
    expect(s3.gpios.filter((g) => !g.flash).every((g) => g.input && g.output && g.pulls)).toBe(true);
    expect(getGpio(s3, 22)).toBeUndefined();
  });
  it('ADC1 on 1-10, ADC2 on 11-20, UART0 on 43/44, USB on 19/20, 8 LEDC channels of 14 bits', () => {
    expect(getGpio(s3, 1)?.adc).toEqual({ unit: 1, channel: 0 });
    expect(getGpio(s3, 10)?.adc).toEqual({ unit: 1, channel: 9 });
    expect(getGpio(s3, 11)?.adc).toEqual({ unit: 2, channel: 0 });
    expect(getGpio(s3, 43)?.uart0).toBe('TX');
    expect(getGpio(s3, 20)?.usb).toBe('D+');
    expect(s3.ledc).toMatchObject({ channels: 8, groups: 1, maxBits: 14, highSpeedGroup: false });
  });
});

describe('ESP32-C3-DevKitM-1', () => {
  const c3 = BOARDS['esp32-c3-devkitm-1'];
  it('GPIO 0-21, flash 11-17, strapping 2, 8, 9, ADC1 0-4, ADC2 5, UART0 20/21, 6 LEDC channels', () => {
    expect(c3.gpios.map((g) => g.gpio)).toEqual(Array.from({ length: 22 }, (_, i) => i));
    expect(c3.gpios.filter((g) => g.flash).map((g) => g.gpio)).toEqual([11, 12, 13, 14, 15, 16, 17]);
    expect(c3.gpios.filter((g) => g.strapping).map((g) => g.gpio)).toEqual([2, 8, 9]);
    expect(c3.gpios.filter((g) => g.adc?.unit === 1).map((g) => g.gpio)).toEqual([0, 1, 2, 3, 4]);
    expect(getGpio(c3, 5)?.adc).toEqual({ unit: 2, channel: 0 });
    expect(getGpio(c3, 21)?.uart0).toBe('TX');
    expect(c3.ledc).toMatchObject({ channels: 6, maxBits: 14 });
  });
});

describe('lookup', () => {
  it('getBoard knows every id and nothing else', () => {
    for (const id of BOARD_IDS) expect(getBoard(id)?.id).toBe(id);
    expect(getBoard('esp8266')).toBeUndefined();
    expect(getBoard('toString')).toBeUndefined();
  });
});

describe('probe boards', () => {
  it('Uno: 5 V, vref 5, 10-bit, thresholds 3.0/1.5, A0..A5 = 14..19, PWM 3,5,6,9,10,11', () => {
    expect(PROBE_BOARDS['arduino-uno']).toMatchObject({ vcc: 5, vref: 5, adcBits: 10, vih: 3.0, vil: 1.5 });
    expect(PROBE_BOARDS['arduino-uno'].analogPins).toEqual({ 0: 14, 1: 15, 2: 16, 3: 17, 4: 18, 5: 19 });
    expect(PROBE_BOARDS['arduino-uno'].pwmPins).toEqual([3, 5, 6, 9, 10, 11]);
  });
  it('Zero: 3.3 V, 10-bit under Firmata', () => {
    expect(getProbeBoard('arduino-zero')).toMatchObject({ vcc: 3.3, vref: 3.3, adcBits: 10 });
    expect(getProbeBoard('arduino-mega')).toBeUndefined();
  });
  it('Uno PWM: 976.5625 Hz on the Timer0 pins 5 and 6, 490.2 Hz on the others', () => {
    const uno = PROBE_BOARDS['arduino-uno'];
    expect(probePwmHz(uno, 5)).toBe(976.5625);
    expect(probePwmHz(uno, 6)).toBe(976.5625);
    for (const pin of [3, 9, 10, 11]) expect(probePwmHz(uno, pin)).toBeCloseTo(490.196, 3);
  });
  it('Zero as Firmata numbers it (Boards.h, variant.cpp): 25 pins, digital 0-19, I2C 20/21, PWM on 7, 15, 16 too', () => {
    const zero = PROBE_BOARDS['arduino-zero'];
    expect(zero.totalPins).toBe(25);
    expect(zero.digitalPins).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(zero.i2cPins).toEqual([20, 21]);
    expect(zero.pwmPins).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 15, 16]);
    expect(probePwmHz(zero, 3)).toBeCloseTo(732.4, 1);
  });
});
