/** Injectable faults: each has a stable name and at most one parameter (`name:arg` on the CLI). */
export type Fault =
  | { name: 'led-stuck-low' }
  | { name: 'led-stuck-high' }
  /** Real duty = commanded duty + `points` percentage points (clamped to 0..100 %). */
  | { name: 'pwm-offset'; points: number }
  | { name: 'pwm-dead' }
  | { name: 'wires-swapped' }
  | { name: 'button-dead' }
  | { name: 'sensor-frozen' }
  | { name: 'ack-drop'; rate: number }
  | { name: 'ack-delay'; ms: number }
  | { name: 'event-drop'; rate: number }
  | { name: 'reboot-after'; ms: number }
  | { name: 'reboot-loop' }
  | { name: 'wifi-down' }
  | { name: 'serial-garbage' }
  | { name: 'app-corrupt' }
  | { name: 'corrupt-frames'; rate: number }
  | { name: 'client-limit'; n: number };

export type FaultName = Fault['name'];

export type FaultArgKind = 'none' | 'points' | 'rate' | 'ms' | 'count';

export interface FaultInfo {
  name: FaultName;
  arg: FaultArgKind;
  /** One line for the CLI help and the README table. */
  description: string;
}
