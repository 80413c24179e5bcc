/**
 * The simulated bench: a virtual ESP32 (DUT) and a virtual Firmata probe joined by virtual wiring, both
 * reachable through one serialport binding ('/sim/dut', '/sim/probe') and the DUT's WebSocket URL.
 * What the HIL runner, the config app and the benchmarks use when no board is on the desk.
 */
import { type DeviceConfig, starterConfig, type WiringSpec } from '@esphil/device-model';
import { AvrProbe } from './avr/avr-probe';
import { AvrError } from './avr/errors';
import { ARDUINO_UNO_PORT_INFO, ARDUINO_ZERO_PORT_INFO, CP2102_PORT_INFO } from './binding/port-info';
import { createVirtualBinding, type VirtualBinding } from './binding/virtual-binding';
import type { DeviceBackendFactory } from './dut/backend';
import type { DeviceBodyFactory } from './dut/body/body';
import { dutSerialDevice } from './dut/serial-adapter';
import type { SimFlashOptions } from './dut/sim-flash';
import { tsBackendFactory } from './dut/ts-backend';
import { VirtualEsp32 } from './dut/virtual-esp32';
import type { WifiCredentials, WifiNetwork } from './dut/wifi-env';
import { wiringPinBus } from './dut/wiring-pins';
import { SimError } from './errors';
import { isWireFault, parseFaults, wireOverridesFor } from './faults/index';
import type { Fault } from './faults/types';
import { type PageServer, startPageServer } from './http/page-server';
import { BenchInputs } from './inputs/bench-inputs';
import { onFirstOpen } from './inputs/probe-handover';
import { DEFAULT_LATENCY_PROFILE, type LatencyProfileName } from './latency';
import { type Clock, realClock } from './probe/clock';
import { type ProbeBootMode, VirtualProbe } from './probe/virtual-probe';
import { DEFAULT_SEED } from './rng';
import { ROM_BAUD } from './rom';
import { VirtualWiring } from './wiring/virtual-wiring';

export const SIM_DUT_PATH = '/sim/dut';
export const SIM_PROBE_PATH = '/sim/probe';

/** DOIT DevKit V1 starter: LED 'status' GPIO2, PWM 'fan' GPIO18, button 'boot' GPIO4, sensor 'light' GPIO34. */
export const DEFAULT_SIM_CONFIG: DeviceConfig = starterConfig('esp32-doit-devkit-v1');

/** The bench the default config is wired to, with a 3.3 V Arduino Zero as probe. */
export const DEFAULT_SIM_WIRING: WiringSpec = {
  dutVcc: 3.3,
  probe: 'arduino-zero',
  wires: [
    { kind: 'digital', name: 'status LED', dutPin: 2, probePin: 2 },
    { kind: 'rc', name: 'fan PWM', dutPin: 18, probeAnalog: 0, r: 10_000, c: 10e-6 },
    { kind: 'drive', name: 'boot button', probePin: 7, dutPin: 4 },
    { kind: 'analog-drive', name: 'light sensor', probePin: 5, dutPin: 34, r: 10_000, c: 10e-6 },
  ],
};

export interface SimBenchOptions {
  config?: DeviceConfig;
  wiring?: WiringSpec;
  latency?: LatencyProfileName;
  /** Fault names (`pwm-offset:5`) or parsed faults. */
  faults?: readonly (string | Fault)[];
  host?: string;
  /** 0 = ephemeral (default). */
  port?: number;
  token?: string;
  /** Backend mode's device logic (default the TS backend). Exclusive with `body`. */
  backend?: DeviceBackendFactory;
  /**
   * Body mode: the firmware's own connection code and console (a DeviceBody, e.g. nativeDeviceBodyFactory) behind
   * the arduinoWebSockets transport, instead of the sim's (VirtualEsp32Options.body).
   */
  body?: DeviceBodyFactory;
  seed?: number;
  /** WiFi networks in range and the DUT's stored credentials (null = unprovisioned). */
  networks?: WifiNetwork[];
  credentials?: WifiCredentials | null;
  /** Time source of the probe and the wiring physics (default wall clock); the DUT runs on global timers. */
  clock?: Clock;
  /** The probe board's firmware model. */
  probe?: SimProbeOptions;
  /** Model the DUT's flash and ROM loader (esptool-js can flash it; boots check the image). */
  flash?: SimFlashOptions;
  /** Port of the board's HTTP page (the firmware's port 80); 0 = ephemeral (default), null = no HTTP side. */
  httpPort?: number | null;
  /** Sensors follow the documented waveform until a host opens the probe (esphil-sim's default); default false. */
  sensorWave?: boolean;
  /** Clients at once past a firmware build's limits (VirtualEsp32Options.maxClients; benchmarks only). */
  maxClients?: number;
}

export interface SimProbeOptions {
  /**
   * Boot of the virtual probe: `firmata` (the real ~2.1 s with the pin-13 blink) or `instant`. Default: instant
   * on the `zero` latency profile (unit-test speed), the real boot on the `wifi` profiles.
   */
  boot?: ProbeBootMode;
  /**
   * Run a real Firmata Intel HEX on an emulated ATmega328P instead of the virtual probe (needs
   * `wiring.probe: 'arduino-uno'`). `hex` defaults to avrgirl-arduino's Uno StandardFirmata.
   */
  avr?: { hex?: string };
}

function createProbe(
  spec: WiringSpec,
  wiring: VirtualWiring,
  opts: SimBenchOptions,
  latency: LatencyProfileName,
) {
  const avr = opts.probe?.avr;
  if (!avr) {
    return new VirtualProbe({
      board: spec.probe,
      io: wiring,
      clock: opts.clock,
      boot: opts.probe?.boot ?? defaultProbeBoot(latency),
    });
  }
  if (spec.probe !== 'arduino-uno') {
    throw new SimError(
      'bad_option',
      `the emulated AVR probe is an Uno: set the wiring's probe to "arduino-uno"`,
    );
  }
  try {
    return new AvrProbe({ io: wiring, clock: opts.clock, ...(avr.hex ? { hex: avr.hex } : {}) });
  } catch (err) {
    if (err instanceof AvrError) throw new SimError('bad_option', err.message);
    throw err;
  }
}

/** The probe boot a latency profile implies: only the test-speed `zero` profile shortens it. */
export function defaultProbeBoot(latency: LatencyProfileName): ProbeBootMode {
  return latency === 'zero' ? 'instant' : 'firmata';
}

export interface SimBench {
  /** The DUT's WebSocket URL (null-free: the port is fixed for the bench's life). */
  url: string;
  dut: VirtualEsp32;
  /** The virtual StandardFirmata, or the real firmware on the emulated AVR (`probe.avr`). */
  probe: VirtualProbe | AvrProbe;
  wiring: VirtualWiring;
  /** serialport BindingInterface serving dutPath and probePath. */
  binding: VirtualBinding;
  dutPath: typeof SIM_DUT_PATH;
  probePath: typeof SIM_PROBE_PATH;
  /** Every active fault (wire faults act on `wiring`, the rest inside the DUT). */
  faults: readonly Fault[];
  /** The page the board serves (http://host:port/), null with `httpPort: null`. */
  pageUrl: string | null;
  /** Buttons and sensors while no host has the probe port (released at rest; see inputs/bench-inputs.ts). */
  inputs: BenchInputs;
  close(): Promise<void>;
}

export async function startSimBench(opts: SimBenchOptions = {}): Promise<SimBench> {
  const faults = parseFaults(opts.faults ?? []);
  const spec = opts.wiring ?? DEFAULT_SIM_WIRING;
  const seed = opts.seed ?? DEFAULT_SEED;
  const wiring = new VirtualWiring(spec, { seed, clock: opts.clock });
  for (const o of wireOverridesFor(faults, spec)) wiring.applyOverride(o);
  const latency = opts.latency ?? DEFAULT_LATENCY_PROFILE;
  const probe = createProbe(spec, wiring, opts, latency);
  const config = opts.config ?? DEFAULT_SIM_CONFIG;
  const inputs = new BenchInputs({
    config,
    spec,
    wiring,
    clock: opts.clock ?? realClock,
    sensorWave: opts.sensorWave ?? false,
  });
  const dut = new VirtualEsp32({
    config,
    ...(opts.body
      ? { body: opts.body, backend: opts.backend }
      : { backend: opts.backend ?? tsBackendFactory }),
    pins: inputs.pinBus(wiringPinBus(wiring)),
    latency,
    faults: faults.filter((f) => !isWireFault(f)),
    host: opts.host,
    port: opts.port,
    token: opts.token,
    seed,
    networks: opts.networks,
    credentials: opts.credentials,
    flash: opts.flash,
    maxClients: opts.maxClients,
  });
  const binding = createVirtualBinding();
  const dutDevice = dutSerialDevice(dut);
  // With the ROM loader modelled, the UART's speed is too: a host at the wrong baud reads garbage.
  binding.attach(SIM_DUT_PATH, dutDevice, CP2102_PORT_INFO, opts.flash ? { baudRate: ROM_BAUD } : {});
  binding.attach(
    SIM_PROBE_PATH,
    onFirstOpen(probe, () => inputs.handOver()),
    spec.probe === 'arduino-uno' ? ARDUINO_UNO_PORT_INFO : ARDUINO_ZERO_PORT_INFO,
  );
  let page: PageServer | null = null;
  try {
    await dut.start();
    if (opts.httpPort !== null) {
      page = await startPageServer({
        host: opts.host ?? '127.0.0.1',
        port: opts.httpPort ?? 0,
        wsPort: () => dut.port,
        accepting: () => dut.phase === 'running' && dut.wifiConnected,
      });
    }
  } catch (err) {
    probe.dispose();
    await dut.close();
    throw err;
  }
  let closed = false;
  return {
    url: dut.url,
    dut,
    probe,
    wiring,
    binding,
    dutPath: SIM_DUT_PATH,
    probePath: SIM_PROBE_PATH,
    faults,
    pageUrl: page?.url ?? null,
    inputs,
    async close() {
      if (closed) return;
      closed = true;
      await page?.close();
      for (const p of [SIM_DUT_PATH, SIM_PROBE_PATH]) {
        try {
          binding.detach(p);
        } catch {
          // already unplugged
        }
      }
      dutDevice.detach();
      probe.dispose();
      await dut.close();
    },
  };
}
