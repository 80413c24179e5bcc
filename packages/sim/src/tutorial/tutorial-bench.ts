/**
 * A simulated bench whose DUT runs the tutorial sketch instead of the esphil firmware: same wiring and probe
 * as startSimBench (the LED line lands on probe D2), the sketch's console on '/sim/dut'. What
 * `esphil-sim --firmware tutorial` starts.
 */
import type { WiringSpec } from '@esphil/device-model';
import { DEFAULT_SIM_WIRING, SIM_DUT_PATH, SIM_PROBE_PATH } from '../bench';
import { ARDUINO_UNO_PORT_INFO, ARDUINO_ZERO_PORT_INFO, CP2102_PORT_INFO } from '../binding/port-info';
import type { VirtualSerialLink } from '../binding/types';
import { createVirtualBinding, type VirtualBinding } from '../binding/virtual-binding';
import { wiringPinBus } from '../dut/wiring-pins';
import type { Clock } from '../probe/clock';
import { VirtualProbe } from '../probe/virtual-probe';
import { DEFAULT_SEED } from '../rng';
import { VirtualWiring } from '../wiring/virtual-wiring';
import { TutorialSketch } from './tutorial-sketch';

export interface TutorialBenchOptions {
  wiring?: WiringSpec;
  host?: string;
  /** 0 = ephemeral (default). */
  port?: number;
  seed?: number;
  clock?: Clock;
}

export interface TutorialBench {
  firmware: 'tutorial';
  url: string;
  sketch: TutorialSketch;
  probe: VirtualProbe;
  wiring: VirtualWiring;
  binding: VirtualBinding;
  dutPath: typeof SIM_DUT_PATH;
  probePath: typeof SIM_PROBE_PATH;
  /** The EN button: the sketch restarts (banner on serial again) on the same URL. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

export async function startTutorialBench(opts: TutorialBenchOptions = {}): Promise<TutorialBench> {
  const spec = opts.wiring ?? DEFAULT_SIM_WIRING;
  const wiring = new VirtualWiring(spec, { seed: opts.seed ?? DEFAULT_SEED, clock: opts.clock });
  const probe = new VirtualProbe({ board: spec.probe, io: wiring, clock: opts.clock });
  const sketch = new TutorialSketch({ pins: wiringPinBus(wiring), host: opts.host, port: opts.port });
  const binding = createVirtualBinding();
  let link: VirtualSerialLink | null = null;
  const onSerial = (data: Uint8Array): void => {
    link?.push(data);
  };
  sketch.on('serial', onSerial);
  binding.attach(
    SIM_DUT_PATH,
    {
      onAttach: (l) => {
        link = l;
      },
    },
    CP2102_PORT_INFO,
  );
  binding.attach(
    SIM_PROBE_PATH,
    probe,
    spec.probe === 'arduino-uno' ? ARDUINO_UNO_PORT_INFO : ARDUINO_ZERO_PORT_INFO,
  );
  try {
    await sketch.start();
  } catch (err) {
    probe.dispose();
    throw err;
  }
  let closed = false;
  return {
    firmware: 'tutorial',
    url: sketch.url,
    sketch,
    probe,
    wiring,
    binding,
    dutPath: SIM_DUT_PATH,
    probePath: SIM_PROBE_PATH,
    reset: () => sketch.reset(),
    async close() {
      if (closed) return;
      closed = true;
      for (const p of [SIM_DUT_PATH, SIM_PROBE_PATH]) {
        try {
          binding.detach(p);
        } catch {
          // already unplugged
        }
      }
      sketch.off('serial', onSerial);
      link = null;
      probe.dispose();
      await sketch.close();
    },
  };
}
