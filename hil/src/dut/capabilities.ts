/**
 * What a DUT can do, as the suites ask for it. A suite declares the capabilities a test needs (`needs(...)`); a DUT
 * whose adapter lacks one gets that test skipped with the reason, never run against firmware that cannot answer.
 */
export const DUT_CAPABILITIES = {
  esphil: 'speaks the esphil JSON protocol: hello, info, errors, every op; the `dut` fixture',
  'led.set': 'switches an LED on and off on command',
  pwm: 'sets a PWM duty on command',
  buttons: 'pushes button edges to its clients',
  sensor: 'streams sensor readings',
  state: 'reports its current state on request',
  broadcast: 'pushes a change made by one client to every client',
  'legacy-text': 'answers the tutorial text commands LED ON / LED OFF',
  auth: 'checks a token before it takes commands',
  reboot: 'reboots on command',
  'serial.requests': 'answers requests on its serial console',
  improv: 'takes Wi-Fi credentials over serial (Improv Wi-Fi)',
  reset: 'comes back after a hardware reset and lets clients resynchronise',
} as const satisfies Record<string, string>;

export type DutCapability = keyof typeof DUT_CAPABILITIES;

export const DUT_CAPABILITY_NAMES = Object.keys(DUT_CAPABILITIES) as DutCapability[];

export function isDutCapability(v: unknown): v is DutCapability {
  return typeof v === 'string' && Object.hasOwn(DUT_CAPABILITIES, v);
}

/** The capabilities of `needed` the DUT lacks, in the order asked. */
export function missingCapabilities(
  has: ReadonlySet<DutCapability>,
  needed: readonly DutCapability[],
): DutCapability[] {
  return needed.filter((c) => !has.has(c));
}

/**
 * The skip reason a report shows, naming the DUT, what is missing and what it has, e.g.
 * `the DUT (tutorial) cannot do pwm (sets a PWM duty on command); it has: broadcast, led.set, legacy-text`.
 */
export function skipReason(
  dutName: string,
  missing: readonly DutCapability[],
  has: ReadonlySet<DutCapability>,
): string {
  const what = missing.map((c) => `${c} (${DUT_CAPABILITIES[c]})`).join(', ');
  const got = [...has].sort().join(', ') || 'nothing';
  return `the DUT (${dutName}) cannot do ${what}; it has: ${got}`;
}
