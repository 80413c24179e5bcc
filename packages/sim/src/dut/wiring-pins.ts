/** The DUT's pins on the virtual wiring: outputs into VirtualWiring, inputs (levels, ADC counts) out of it. */
import type { VirtualWiring } from '../wiring/virtual-wiring';
import type { DutPinBus, Level } from './pins';
import { ADC_BITS, ADC_FULL_SCALE_VOLTS } from './virtual-esp32';

export function wiringPinBus(wiring: VirtualWiring): DutPinBus {
  const full = (1 << ADC_BITS) - 1;
  return {
    driveDigital(pin, level) {
      wiring.setDutOutput(pin, level === null ? { highZ: true } : { level });
    },
    drivePwm(pin, freq, fraction) {
      // 0 % and 100 % are steady levels on a real LEDC output: no waveform, whatever the frequency.
      if (fraction <= 0) wiring.setDutOutput(pin, { level: 0 });
      else if (fraction >= 1) wiring.setDutOutput(pin, { level: 1 });
      else wiring.setDutOutput(pin, { pwm: { freq, fraction } });
    },
    readDigital(pin): Level | null {
      return wiring.dutInput(pin);
    },
    readVolts(pin) {
      // The wiring quantises (with noise) to the ESP32's 12 bits; hand the DUT the voltage of those counts.
      const counts = wiring.dutAnalog(pin);
      return counts === null ? 0 : (counts / full) * ADC_FULL_SCALE_VOLTS;
    },
    onInputChange(listener) {
      return wiring.onDutInputChange((pin) => listener(pin));
    },
  };
}
