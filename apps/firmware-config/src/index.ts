export { type RunOptions, runCli, USAGE } from './cli-main';
export { type GenerateOptions, type GenerateOutcome, generateCommand } from './commands/generate';
export { DEFAULT_INIT_BOARD, type InitOptions, initCommand, starterText } from './commands/init';
export {
  CliError,
  type CliErrorCode,
  type CommandIO,
  consoleIO,
  loadConfigFile,
  memoryIO,
} from './commands/io';
export { type ProvisionOptions, passwordFrom, provisionCommand } from './commands/provision';
export { type PushOptions, type PushOutcome, pushCommand } from './commands/push';
export { SERIAL_MAX_LINE_BYTES, type SerialTarget } from './commands/serial-session';
export { type ValidateOptions, type ValidateOutcome, validateCommand } from './commands/validate';
export * from './config/parse';
export * from './gen/artifacts';
export * from './gen/diff';
export * from './gen/header';
export * from './gen/manifest';
export * from './gen/pinout-svg';
export * from './gen/roles';
