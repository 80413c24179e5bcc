export { ADC_BITS, REBOOT_DELAY_MS, SENSOR_VALUE_DECIMALS } from './constants';
export { bootEffects, createMachine, DeviceConfigError, ledLevel } from './create';
export { buildAuthRequired, buildHello } from './hello';
export { applyInput, scaleSensor, subscribersOf } from './input';
export type { LegacyResult } from './legacy';
export { legacyStep } from './legacy';
export { isAuthorized, tokensEqual } from './ops-auth';
export { causeOf, MAX_REQUEST_ID } from './respond';
export { step } from './step';
