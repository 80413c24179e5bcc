export type { LedcAllocation, LedcAssignment, LedcRequest } from './allocate';
export { allocateLedc, allocateLedcOutputs, ledcGroupOf, ledcTimerOf2x } from './allocate';
export { dutyToRaw, maxDuty, pwmFraction, rescaleDuty } from './duty';
export { CHIP_LEDC, ledcFeasible, ledcMaxBits, ledcProblem } from './feasible';
