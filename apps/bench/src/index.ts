export {
  type DeviceProcess,
  forkDeviceProcess,
  startDevicesHere,
} from './apart/device-process';
export { RTT_APART_DEFAULTS, type RttApartOptions, runRttApart } from './apart/rtt-apart';
export { type InterleaveOptions, interleave, type Variant } from './interleave';
export { type MachineInfo, machineInfo } from './machine';
export { type BenchReport, markdownTable, renderMarkdown, writeReport } from './report';
export { type ResultRow, row } from './result';
export { CODEC_DEFAULTS, type CodecOptions, type CodecResult, runCodec } from './scenarios/codec';
export { FLEET_DEFAULTS, type FleetOptions, type FleetResult, runFleet } from './scenarios/fleet';
export {
  HIL_DEFAULTS,
  type HilOptions,
  type HilReportPart,
  type HilResult,
  type HilRun,
  type HilRunner,
  runHilScenario,
} from './scenarios/hil';
export { PUSH_DEFAULTS, type PushOptions, type PushResult, runPush } from './scenarios/push';
export { RTT_DEFAULTS, type RttOptions, type RttResult, runRtt } from './scenarios/rtt';
export { percentile, type Summary, sharedNow, summarize } from './stats';
