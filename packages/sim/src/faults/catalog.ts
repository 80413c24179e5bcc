import type { FaultInfo, FaultName } from './types';

export const FAULT_CATALOG: readonly FaultInfo[] = [
  {
    name: 'led-stuck-low',
    arg: 'none',
    description: 'LED pins read low at the probe whatever the firmware drives',
  },
  {
    name: 'led-stuck-high',
    arg: 'none',
    description: 'LED pins read high at the probe whatever the firmware drives',
  },
  {
    name: 'pwm-offset',
    arg: 'points',
    description: 'real PWM duty is off by <points> percentage points (e.g. pwm-offset:5, pwm-offset:-10)',
  },
  { name: 'pwm-dead', arg: 'none', description: 'PWM pins stay low (driver dead)' },
  {
    name: 'wires-swapped',
    arg: 'none',
    description: 'the LED line and the PWM line land on each other’s probe pins',
  },
  { name: 'button-dead', arg: 'none', description: 'button presses never reach the DUT' },
  {
    name: 'sensor-frozen',
    arg: 'none',
    description: 'the sensor reading stops changing (frozen at its first value)',
  },
  {
    name: 'ack-drop',
    arg: 'rate',
    description: 'WebSocket responses are lost with probability <rate> (0..1)',
  },
  { name: 'ack-delay', arg: 'ms', description: 'WebSocket responses leave <ms> later' },
  {
    name: 'event-drop',
    arg: 'rate',
    description: 'events are lost with probability <rate> (0..1); seq still advances, so gaps show',
  },
  {
    name: 'reboot-after',
    arg: 'ms',
    description: 'the DUT reboots once, <ms> after its first boot completes',
  },
  { name: 'reboot-loop', arg: 'none', description: 'the app panics shortly after every boot (boot loop)' },
  {
    name: 'wifi-down',
    arg: 'none',
    description: 'WiFi never connects: ready line without IP, WebSocket refused',
  },
  { name: 'serial-garbage', arg: 'none', description: 'random noise bytes between console lines' },
  {
    name: 'app-corrupt',
    arg: 'none',
    description:
      'the app reads back from flash with one bit flipped at every boot: the bootloader refuses it (needs the modelled flash)',
  },
  {
    name: 'corrupt-frames',
    arg: 'rate',
    description: 'outgoing WebSocket frames are corrupted with probability <rate> (0..1)',
  },
  { name: 'client-limit', arg: 'count', description: 'WEBSOCKETS_SERVER_CLIENT_MAX = <n> instead of 5' },
];

export const FAULT_NAMES: readonly FaultName[] = FAULT_CATALOG.map((f) => f.name);
