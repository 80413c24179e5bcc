import { type ChipId, getBoard } from '@esphil/device-model';
import type { SessionEnv } from './stage';

/** The bench's chip, from its board profile: image offsets default by it and images are checked against it. */
export function benchChip(env: Pick<SessionEnv, 'config'>): ChipId {
  return getBoard(env.config.board)?.chip ?? 'esp32';
}
