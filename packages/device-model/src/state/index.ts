export { ADC_BITS, REBOOT_DELAY_MS, SENSOR_VALUE_DECIMALS } from './constants';
export { bootEffects, createMachine, DeviceConfigError, ledLevel } from './create';
export { applyInput, scaleSensor, subscribersOf } from './input';
export { isAuthorized, tokensEqual } from './ops-auth';
export { causeOf } from './respond';
export { step } from './step';
