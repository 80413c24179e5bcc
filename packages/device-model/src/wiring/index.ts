export type { DigitalExpectation } from './digital';
export { DEFAULT_MARGINAL_V, expectDigital } from './digital';
export type { RcExpectation, RcLevelInput, RcRipple } from './rc';
export {
  DEFAULT_ADC_QUANT_COUNTS,
  DEFAULT_DUT_ADC_MARGIN_FRACTION,
  DEFAULT_RC_MARGIN_FRACTION,
  ESP32_ADC,
  expectDutAdcReading,
  expectRcLevel,
  expectRcReading,
  rcResponse,
  rcRipple,
  rcSettleMs,
} from './rc';
export type * from './types';
export { DUT_INPUT_HEADROOM_V, validateWiring } from './validate';
