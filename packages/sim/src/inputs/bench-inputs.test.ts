import { afterEach, describe, expect, it } from 'vitest';
import { type SimBench, startSimBench } from '../bench';
import { ADC_BITS, ADC_FULL_SCALE_VOLTS } from '../dut/virtual-esp32';
import { LATENCY_PROFILES } from '../latency';
import { ManualClock } from '../probe/clock';
import { openClient } from '../testing/ws-client';
import { SENSOR_WAVE_PERIOD_MS, sensorWaveVolts } from './waveform';

/** DEFAULT_SIM_CONFIG / DEFAULT_SIM_WIRING: button boot GPIO4 driven by probe D7, sensor light GPIO34. */
const BUTTON_PIN = 4;
const SENSOR_PIN = 34;
const counts = (v: number) => Math.round((v / ADC_FULL_SCALE_VOLTS) * ((1 << ADC_BITS) - 1));

let bench: SimBench | null = null;
afterEach(async () => {
  await bench?.close();
  bench = null;
});

describe('buttons at rest', () => {
  // The cause: StandardFirmata boots with D7 OUTPUT LOW, which held the active-low button pressed. With `zero`
  // the first hello raced the 30 ms debounce and said released; with `wifi` the boot outlasts the debounce.
  it.each(LATENCY_PROFILES)(
    'read released with the %s profile, on the wire and in the first hello',
    async (latency) => {
      bench = await startSimBench({ latency });
      expect(bench.wiring.dutInput(BUTTON_PIN)).toBe(1);
      const c = await openClient(bench.url);
      expect(c.frames[0]).toMatchObject({ t: 'hello', state: { buttons: { boot: false } } });
      await c.close();
    },
    15_000,
  );

  it('press and release reach the DUT as button events through the probe wire', async () => {
    bench = await startSimBench({ latency: 'zero' });
    const c = await openClient(bench.url);
    bench.inputs.setButton('boot', true);
    expect(bench.wiring.dutInput(BUTTON_PIN)).toBe(0);
    expect(await c.next((f) => f.ev === 'button')).toMatchObject({ button: 'boot', pressed: true });
    bench.inputs.setButton('boot', false);
    expect(await c.next((f) => f.ev === 'button' && f.pressed === false)).toMatchObject({ button: 'boot' });
    await c.close();
  });

  it('a host opening the probe port takes the lines over (StandardFirmata reboots them LOW)', async () => {
    bench = await startSimBench({ latency: 'zero', sensorWave: true });
    const open = await bench.binding.open({ path: bench.probePath, baudRate: 57_600 } as never);
    expect(bench.inputs.hostHasProbe).toBe(true);
    expect(bench.wiring.dutInput(BUTTON_PIN)).toBe(0);
    expect(() => bench!.inputs.setButton('boot', false)).toThrowError(
      expect.objectContaining({ code: 'not_running' }),
    );
    expect(bench.inputs.status().sensors.light).toEqual({ kind: 'probe' });
    await open.close();
  });

  it('refuses unknown buttons and sensors, and out-of-range volts, with what exists', () => {
    return startSimBench({ latency: 'zero' }).then((b) => {
      bench = b;
      expect(() => b.inputs.setButton('reset', true)).toThrow(/no button "reset"; buttons: boot/);
      expect(() => b.inputs.setSensor('temp', { kind: 'wave' })).toThrow(/no sensor "temp"; sensors: light/);
      expect(() => b.inputs.setSensor(undefined, { kind: 'volts', volts: 5 })).toThrow(/0..3.3/);
    });
  });
});

describe('sensors', () => {
  it('follow the documented waveform on the bench clock when sensorWave is on', async () => {
    const clock = new ManualClock(1_000);
    bench = await startSimBench({ latency: 'zero', clock, sensorWave: true });
    expect(bench.dut.readAdc(SENSOR_PIN)).toBe(counts(1.65));
    clock.advance(SENSOR_WAVE_PERIOD_MS / 4);
    expect(bench.dut.readAdc(SENSOR_PIN)).toBe(counts(2.85));
    clock.advance(SENSOR_WAVE_PERIOD_MS / 2);
    expect(bench.dut.readAdc(SENSOR_PIN)).toBe(counts(0.45));
    clock.advance(1234);
    expect(bench.dut.readAdc(SENSOR_PIN)).toBe(
      counts(sensorWaveVolts((3 * SENSOR_WAVE_PERIOD_MS) / 4 + 1234)),
    );
  });

  it('can be set to a voltage and put back on the wave; without sensorWave they read their wire', async () => {
    const clock = new ManualClock(0);
    bench = await startSimBench({ latency: 'zero', clock, sensorWave: true });
    expect(bench.inputs.setSensor(undefined, { kind: 'volts', volts: 1.5 })).toBe('light');
    expect(bench.dut.readAdc(SENSOR_PIN)).toBe(counts(1.5));
    bench.inputs.setSensor('light', { kind: 'wave' });
    expect(bench.dut.readAdc(SENSOR_PIN)).toBe(counts(1.65));
    await bench.close();
    bench = await startSimBench({ latency: 'zero', clock });
    // The probe's D5 boots OUTPUT LOW: the RC line sits at 0 V (plus at most 1 LSB of ADC noise).
    expect(bench.dut.readAdc(SENSOR_PIN)).toBeLessThanOrEqual(1);
  });
});
