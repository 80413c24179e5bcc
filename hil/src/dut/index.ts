/** Any firmware under test: the adapter interface, capabilities and the built-in adapters (hil/README.md). */
export {
  DUT_CAPABILITIES,
  DUT_CAPABILITY_NAMES,
  type DutCapability,
  isDutCapability,
  missingCapabilities,
  skipReason,
} from './capabilities';
export { defineDutAdapter } from './define';
export { esphilAdapter, esphilIo } from './esphil';
export { adapterProblems } from './load';
export { TUTORIAL_READY_PATTERN, TUTORIAL_WS_PORT, tutorialAdapter, tutorialUrl } from './tutorial';
export type * from './types';
