/** `esphil-sim --firmware tutorial`: the tutorial sketch on the simulated bench, for tutorial pages and the rig. */
import type { SimCliArgs, SimCliIo } from '../cli';
import { SimError } from '../errors';
import { startTutorialBench, type TutorialBench } from './tutorial-bench';
import { TUTORIAL_LED_PIN } from './tutorial-sketch';

export interface RunningTutorialSim {
  firmware: 'tutorial';
  bench: TutorialBench;
  info: { url: string; pageUrl: null; dutPty: null; probePty: null; firmware: 'tutorial' };
  stop(): Promise<void>;
}

/** Options that belong to the esphil firmware (or its page) and mean nothing to the tutorial sketch. */
function refuseEsphilOnly(args: SimCliArgs): void {
  const given: string[] = [];
  if (args.configPath) given.push('--config');
  if (args.faults.length > 0) given.push('--fault');
  if (args.token !== undefined) given.push('--token');
  if (args.pty) given.push('--pty');
  if (given.length > 0) {
    throw new SimError('bad_option', `${given.join(', ')}: not available with --firmware tutorial`);
  }
}

export async function runTutorialCli(args: SimCliArgs, io: SimCliIo): Promise<RunningTutorialSim> {
  refuseEsphilOnly(args);
  let bench: TutorialBench;
  try {
    bench = await startTutorialBench({ host: args.host, port: args.port, seed: args.seed });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new SimError(
        'bad_option',
        `port ${args.port} on ${args.host} is in use: pick another with --port`,
      );
    }
    throw e;
  }
  const info = { url: bench.url, pageUrl: null, dutPty: null, probePty: null, firmware: 'tutorial' as const };
  io.stdout(JSON.stringify(info));
  io.stdout('esphil-sim: virtual ESP32 running the tutorial sketch (text LED ON / LED OFF, no JSON)');
  io.stdout(`  WebSocket  ${bench.url}`);
  io.stdout(`  LED        GPIO${TUTORIAL_LED_PIN}`);
  io.stdout('Ctrl-C to stop.');
  const onLed = (on: boolean): void => io.stdout(`LED is now ${on ? 'ON' : 'OFF'}`);
  bench.sketch.on('led', onLed);
  let stopped = false;
  return {
    firmware: 'tutorial',
    bench,
    info,
    async stop() {
      if (stopped) return;
      stopped = true;
      bench.sketch.off('led', onLed);
      await bench.close();
      io.stdout('esphil-sim: stopped.');
    },
  };
}
