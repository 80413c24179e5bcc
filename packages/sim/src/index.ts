export {
  DEFAULT_SIM_CONFIG,
  DEFAULT_SIM_WIRING,
  defaultProbeBoot,
  SIM_DUT_PATH,
  SIM_PROBE_PATH,
  type SimBench,
  type SimBenchOptions,
  type SimProbeOptions,
  startSimBench,
} from './bench';
export {
  DEFAULT_CLI_HOST,
  DEFAULT_CLI_HTTP_PORT,
  DEFAULT_CLI_PORT,
  parseSimArgs,
  type RunningSim,
  runSimCli,
  SIM_CLI_USAGE,
  type SimCliArgs,
  type SimCliIo,
} from './cli';
export * from './dut/backend';
export { type BackendVectorResult, runBackendVector, runBackendVectors } from './dut/backend-vectors';
export type { BodyBooted, BodyConnected, DeviceBody, DeviceBodyFactory, Header } from './dut/body/body';
export {
  type BodyOutput,
  BodyServer,
  type BodyServerEvents,
  type BodyServerOptions,
} from './dut/body/body-server';
export { NativeDeviceBody, nativeDeviceBodyFactory } from './dut/body/native-body';
export { TsDeviceBody, tsDeviceBodyFactory } from './dut/body/ts-body';
export * from './dut/native-backend';
export { type DutPinBus, type Level, PinBank, type PinOutput } from './dut/pins';
export { type ControlLines, EN_RELEASE_MS, type StrapLevels, strapLevels } from './dut/reset-circuit';
export { dutSerialDevice } from './dut/serial-adapter';
export { type DownloadHooks, SimFlash, type SimFlashOptions } from './dut/sim-flash';
export {
  ArduinoWsTransport,
  type ArduinoWsTransportOptions,
  DEFAULT_MAX_BUFFERED_BYTES,
  type HandshakeInfo,
  LIBRARY_400,
  type OutputStats,
  type RefusalReason,
  WsConnection,
} from './dut/transport/arduino-ws-transport';
export { createTsBackend, TsBackend, type TsBackendOptions, tsBackendFactory } from './dut/ts-backend';
export {
  ADC_BITS,
  ADC_FULL_SCALE_VOLTS,
  DEFAULT_FW_VERSION,
  type DutEvents,
  type DutPhase,
  REBOOT_LOOP_MS,
  VirtualEsp32,
  type VirtualEsp32Options,
} from './dut/virtual-esp32';
export { DEFAULT_WIFI_NETWORK, type WifiCredentials, type WifiNetwork } from './dut/wifi-env';
export { wiringPinBus } from './dut/wiring-pins';
export {
  DEFAULT_AUTH_DEADLINE_MS,
  DEFAULT_HEARTBEAT,
  DEFAULT_MAX_QUEUED_FRAMES,
  type HeartbeatOptions,
  WsServer,
  type WsServerHandler,
  type WsServerOptions,
} from './dut/ws-server';
export { SimError, type SimErrorCode } from './errors';
export * from './faults/index';
export {
  DEVICE_PAGE_GZ,
  PAGE_DEFAULT_WS_PORT,
  type PageServer,
  type PageServerOptions,
  startPageServer,
} from './http/page-server';
export { BenchInputs, type InputsStatus, MAX_SENSOR_VOLTS, type SensorSource } from './inputs/bench-inputs';
export { INPUT_COMMANDS_HELP, MAX_COMMAND_LINE_BYTES, runInputCommand } from './inputs/commands';
export {
  SENSOR_WAVE_AMPLITUDE_VOLTS,
  SENSOR_WAVE_CENTER_VOLTS,
  SENSOR_WAVE_PERIOD_MS,
  sensorWaveVolts,
} from './inputs/waveform';
export * from './latency';
export * from './probe-side';
export { findSocat, type PtyBridge, type PtyBridgeOptions, startPtyBridge } from './pty';
export { createRng, type Rng } from './rng';
export * from './rom';
export { startTutorialBench, type TutorialBench, type TutorialBenchOptions } from './tutorial/tutorial-bench';
export type { RunningTutorialSim } from './tutorial/tutorial-cli';
export { TUTORIAL_LED_PIN, TutorialSketch, type TutorialSketchOptions } from './tutorial/tutorial-sketch';
