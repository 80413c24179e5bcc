/**
 * The sensor a developer sees move without touching anything: a slow sine around mid-scale, computed from the
 * bench clock at each read (no timers), so two runs on the same clock read the same values.
 *   v(t) = 1.65 V + 1.2 V · sin(2π · t / 20 s), t = ms since the bench started
 * 0.45..2.85 V stays inside the ESP32 ADC's 0..3.3 V, away from both rails.
 */
export const SENSOR_WAVE_CENTER_VOLTS = 1.65;
export const SENSOR_WAVE_AMPLITUDE_VOLTS = 1.2;
export const SENSOR_WAVE_PERIOD_MS = 20_000;

export function sensorWaveVolts(elapsedMs: number): number {
  return (
    SENSOR_WAVE_CENTER_VOLTS +
    SENSOR_WAVE_AMPLITUDE_VOLTS * Math.sin((2 * Math.PI * elapsedMs) / SENSOR_WAVE_PERIOD_MS)
  );
}
