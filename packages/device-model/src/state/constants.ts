/** Delay between the reboot/config.set answer and the restart, so the response still leaves the device. */
export const REBOOT_DELAY_MS = 100;
/** Sensor values are rounded to this many decimals so TS and C++ print the same JSON. */
export const SENSOR_VALUE_DECIMALS = 6;
/** ESP32 ADC resolution (analogRead returns 0..4095). */
export const ADC_BITS = 12;
