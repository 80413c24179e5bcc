import { dutAdapterStage, dutConnectStage, dutReadyStage } from '../dut/stages';
import { portsStage } from './bench-provider';
import { flashStage } from './flash';
import { lockStage } from './lock';
import { probeStage } from './probe';
import { provisionStage } from './provision';
import { resetStage } from './reset';
import { serialOpenStage } from './serial-open';
import type { Stage } from './stage';
import { wiringStage } from './wiring';

/**
 * Every stage from the bench's ports up to the suites, in order. A new stage (power cycling, ...) is one module under
 * src/stages/ implementing Stage and one line here (and its name in report/model.ts StageName).
 */
export const SESSION_STAGES: readonly Stage[] = [
  // What the DUT speaks decides the ready and connect stages (src/dut/).
  dutAdapterStage,
  portsStage,
  lockStage,
  flashStage,
  serialOpenStage,
  resetStage,
  dutReadyStage,
  provisionStage,
  dutConnectStage,
  probeStage,
  wiringStage,
];
