import { describe, expect, it } from 'vitest';
import { ESP32_LEDC } from '../boards/esp32';
import { ESP32C3_LEDC } from '../boards/esp32c3';
import { ESP32S3_LEDC } from '../boards/esp32s3';
import { allocateLedc, allocateLedcOutputs, type LedcRequest } from './allocate';
import { dutyToRaw, pwmFraction, rescaleDuty } from './duty';
import { ledcFeasible, ledcMaxBits, ledcProblem } from './feasible';

describe('feasibility (freq x 2^bits <= 80 MHz)', () => {
  it('5 kHz allows at most 13 bits; 40 MHz only 1 bit', () => {
    expect(ledcFeasible(5000, 13, 'esp32')).toBe(true);
    expect(ledcFeasible(5000, 14, 'esp32')).toBe(false);
    expect(ledcMaxBits(5000, 'esp32')).toBe(13);
    expect(ledcFeasible(40_000_000, 1, 'esp32')).toBe(true);
    expect(ledcFeasible(40_000_000, 2, 'esp32')).toBe(false);
    expect(ledcMaxBits(40_000_001, 'esp32')).toBe(0);
  });
  it('resolution limits per chip: 20 bits on ESP32, 14 elsewhere', () => {
    expect(ledcFeasible(50, 20, 'esp32')).toBe(true);
    expect(ledcFeasible(50, 15, 'esp32-s3')).toBe(false);
    expect(ledcFeasible(50, 14, 'esp32-c3')).toBe(true);
    expect(ledcMaxBits(1, 'esp32-c3')).toBe(14);
  });
  it('rejects non-integers and zero', () => {
    expect(ledcProblem(0, 8, 'esp32')).toMatch(/>= 1/);
    expect(ledcProblem(1000.5, 8, 'esp32')).not.toBeNull();
    expect(ledcProblem(1000, 0, 'esp32')).toMatch(/1\.\.20/);
  });
});

describe('duty conversions', () => {
  it('pwmFraction: the maximum is full on, everything else raw / 2^bits', () => {
    expect(pwmFraction(255, 8)).toBe(1);
    expect(pwmFraction(254, 8)).toBe(254 / 256);
    expect(pwmFraction(128, 8)).toBe(0.5);
    expect(pwmFraction(0, 8)).toBe(0);
    expect(pwmFraction(1023, 10)).toBe(1);
  });
  it('pwmFraction: at 1 bit the cores skip the full-on fix, raw 1 is 50 %', () => {
    expect(pwmFraction(1, 1)).toBe(0.5);
    expect(pwmFraction(3, 2)).toBe(1);
  });
  it('dutyToRaw: nearest count, capped at the full-on maximum, clamped to 0..1', () => {
    expect(dutyToRaw(1, 8)).toBe(255);
    expect(dutyToRaw(0.5, 8)).toBe(128);
    expect(dutyToRaw(0.999, 8)).toBe(255);
    expect(dutyToRaw(0.25, 10)).toBe(256);
    expect(dutyToRaw(-1, 10)).toBe(0);
    expect(dutyToRaw(2, 10)).toBe(1023);
  });
  it('rescaleDuty keeps the fraction (and full on)', () => {
    expect(rescaleDuty(512, 10, 8)).toBe(128);
    expect(rescaleDuty(1023, 10, 13)).toBe(8191);
    expect(rescaleDuty(0, 10, 1)).toBe(0);
  });
});

const out = (name: string, freq: number, bits = 8, channel?: number): LedcRequest =>
  channel === undefined ? { name, pin: 0, freq, bits } : { name, pin: 0, freq, bits, channel };

describe('allocator, arduino-esp32 2.x', () => {
  it('equal setups share a pair; a different setup takes the next free pair', () => {
    const a = allocateLedcOutputs([out('a', 5000), out('b', 1000), out('c', 5000)], ESP32_LEDC, '2.x');
    expect(a.ok).toBe(true);
    expect(a.assignments.map((x) => [x.name, x.channel, x.group, x.timer, x.speedMode])).toEqual([
      ['a', 0, 0, 0, 'high'],
      ['b', 2, 0, 1, 'high'],
      ['c', 1, 0, 0, 'high'],
    ]);
  });
  it('channels 8-15 are the low-speed group, timers (ch/2)%4', () => {
    const a = allocateLedcOutputs([out('a', 5000, 8, 9), out('b', 5000, 8, 15)], ESP32_LEDC, '2.x');
    expect(a.assignments.map((x) => [x.channel, x.group, x.timer, x.speedMode])).toEqual([
      [9, 1, 0, 'low'],
      [15, 1, 3, 'low'],
    ]);
  });
  it('nine distinct setups on an ESP32 need nine timers: the ninth conflicts', () => {
    const reqs = Array.from({ length: 9 }, (_, i) => out(`p${i}`, 1000 * (i + 1)));
    const a = allocateLedcOutputs(reqs, ESP32_LEDC, '2.x');
    expect(a.diagnostics.map((d) => `${d.code}@${d.path}`)).toEqual(['ledc.timer-conflict@pwm[8]']);
    expect(a.assignments).toHaveLength(8);
  });
  it('explicit channels: out of range, duplicate, partner conflict', () => {
    const a = allocateLedcOutputs(
      [out('a', 5000, 8, 6), out('b', 5000, 8, 6), out('c', 1000, 8, 7), out('d', 5000, 8, 6)],
      ESP32C3_LEDC,
      '2.x',
    );
    expect(a.diagnostics.map((d) => `${d.code}@${d.path}`)).toEqual([
      'ledc.channel-range@pwm[0].channel',
      'ledc.channel-range@pwm[1].channel',
      'ledc.channel-range@pwm[2].channel',
      'ledc.channel-range@pwm[3].channel',
    ]);
    const b = allocateLedcOutputs(
      [out('a', 5000, 8, 2), out('b', 5000, 8, 2), out('c', 1000, 8, 3)],
      ESP32C3_LEDC,
      '2.x',
    );
    expect(b.diagnostics.map((d) => `${d.code}@${d.path}`)).toEqual([
      'ledc.channel-duplicate@pwm[1].channel',
      'ledc.timer-conflict@pwm[2].channel',
    ]);
  });
  it('auto placement avoids pairs taken by explicit channels with other setups', () => {
    const a = allocateLedcOutputs([out('x', 1000, 8, 0), out('y', 5000)], ESP32S3_LEDC, '2.x');
    expect(a.assignments.map((x) => [x.name, x.channel])).toEqual([
      ['x', 0],
      ['y', 2],
    ]);
  });
  it('more outputs than channels is pwm.too-many (once)', () => {
    const reqs = Array.from({ length: 8 }, (_, i) => out(`p${i}`, 5000));
    const a = allocateLedcOutputs(reqs, ESP32C3_LEDC, '2.x');
    expect(a.diagnostics.map((d) => `${d.code}@${d.path}`)).toEqual(['pwm.too-many@pwm[6]']);
  });
});

describe('allocator, arduino-esp32 3.x', () => {
  it('lowest free channel in order; equal setups share a timer', () => {
    const a = allocateLedcOutputs([out('a', 5000), out('b', 1000), out('c', 5000)], ESP32_LEDC, '3.x');
    expect(a.assignments.map((x) => [x.name, x.channel, x.timer])).toEqual([
      ['a', 0, 0],
      ['b', 1, 1],
      ['c', 2, 0],
    ]);
  });
  it('a fifth distinct setup in one group has no timer; the other ESP32 group has', () => {
    const five = Array.from({ length: 5 }, (_, i) => out(`p${i}`, 1000 * (i + 1)));
    const s3 = allocateLedcOutputs(five, ESP32S3_LEDC, '3.x');
    expect(s3.diagnostics.map((d) => `${d.code}@${d.path}`)).toEqual(['ledc.timer-conflict@pwm[4]']);
    const esp32 = allocateLedcOutputs(five, ESP32_LEDC, '3.x');
    expect(esp32.diagnostics.map((d) => d.code)).toEqual(['ledc.timer-conflict']);
    expect(esp32.diagnostics[0]?.hint).toContain('8..15');
    const moved = allocateLedcOutputs([...five.slice(0, 4), out('p4', 5000, 8, 8)], ESP32_LEDC, '3.x');
    expect(moved.ok).toBe(true);
    expect(moved.assignments.at(-1)).toMatchObject({ channel: 8, group: 1, timer: 0, speedMode: 'low' });
  });
});

describe('allocateLedc(config)', () => {
  it('uses the board and the config core unless overridden', () => {
    const cfg = {
      version: 1 as const,
      board: 'esp32-doit-devkit-v1' as const,
      core: '2.x' as const,
      pwm: [
        { name: 'a', pin: 18, freq: 5000 },
        { name: 'b', pin: 19, freq: 1000 },
      ],
    };
    expect(allocateLedc(cfg).assignments.map((x) => x.channel)).toEqual([0, 2]);
    expect(allocateLedc(cfg, '3.x').assignments.map((x) => x.channel)).toEqual([0, 1]);
    expect(allocateLedc({ ...cfg, board: 'nope' as never }).diagnostics[0]?.code).toBe('board.unknown');
  });
});
