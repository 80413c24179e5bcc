export { ESP32_LEDC } from './esp32';
export { ESP32C3_LEDC } from './esp32c3';
export { ESP32S3_LEDC } from './esp32s3';
export { DEFAULT_PROBE_PWM_HZ, getProbeBoard, PROBE_BOARD_IDS, PROBE_BOARDS, probePwmHz } from './probes';
export { BOARD_IDS, BOARDS, getBoard, getGpio } from './profiles';
export type * from './types';
