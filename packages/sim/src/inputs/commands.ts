/**
 * esphil-sim's input commands, one per line (stdin): move the bench's inputs while developing an app.
 *   button <name> press|release     e.g. `button boot press`
 *   sensor [<name>] <volts>|wave    e.g. `sensor 1.5`, `sensor light wave`
 *   status | help
 * Every line gets one answer line; a bad line gets `error <code>: <what to fix>` and changes nothing.
 */
import { SimError } from '../errors';
import type { BenchInputs } from './bench-inputs';

/** A command line longer than this is refused unread. */
export const MAX_COMMAND_LINE_BYTES = 1024;

export const INPUT_COMMANDS_HELP = [
  'button <name> press|release   press or release a button (e.g. button boot press)',
  'sensor [<name>] <volts>|wave  set a sensor input to 0..3.3 V, or back to the waveform (e.g. sensor 1.5)',
  'status                        show the inputs',
  'help                          this list',
].join('\n');

function words(line: string): string[] {
  return line.trim().split(/\s+/).filter(Boolean);
}

function describeStatus(inputs: BenchInputs): string {
  const st = inputs.status();
  const buttons = Object.entries(st.buttons).map(([n, v]) => `${n}=${v}`);
  const sensors = Object.entries(st.sensors).map(
    ([n, v]) => `${n}=${v.kind === 'volts' ? `${v.volts} V` : v.kind}`,
  );
  return `buttons ${buttons.join(' ') || '-'}; sensors ${sensors.join(' ') || '-'}`;
}

function run(inputs: BenchInputs, w: string[]): string {
  const [cmd, ...rest] = w;
  switch (cmd) {
    case 'help':
      return INPUT_COMMANDS_HELP;
    case 'status':
      return describeStatus(inputs);
    case 'button': {
      const [name, action] = rest;
      if (rest.length !== 2 || (action !== 'press' && action !== 'release')) {
        throw new SimError('bad_option', 'use: button <name> press|release');
      }
      inputs.setButton(name!, action === 'press');
      return `ok button ${name} ${action === 'press' ? 'pressed' : 'released'}`;
    }
    case 'sensor': {
      if (rest.length < 1 || rest.length > 2)
        throw new SimError('bad_option', 'use: sensor [<name>] <volts>|wave');
      const value = rest.at(-1)!;
      const name = rest.length === 2 ? rest[0] : undefined;
      if (value === 'wave') return `ok sensor ${inputs.setSensor(name, { kind: 'wave' })} wave`;
      const volts = Number(value);
      if (!Number.isFinite(volts)) {
        throw new SimError('bad_option', `sensor ${value}: give volts (0..3.3) or "wave"`);
      }
      return `ok sensor ${inputs.setSensor(name, { kind: 'volts', volts })} ${volts} V`;
    }
    default:
      throw new SimError('bad_option', `unknown command "${cmd}"; try help`);
  }
}

/** Runs one command line; null for a blank line. Never throws: errors become the answer. */
export function runInputCommand(inputs: BenchInputs, line: string): string | null {
  if (Buffer.byteLength(line, 'utf8') > MAX_COMMAND_LINE_BYTES) {
    return `error bad_option: line longer than ${MAX_COMMAND_LINE_BYTES} bytes ignored`;
  }
  const w = words(line);
  if (w.length === 0) return null;
  try {
    return run(inputs, w);
  } catch (e) {
    if (e instanceof SimError) return `error ${e.code}: ${e.message}`;
    return `error internal: ${String(e)}`;
  }
}

/**
 * Feeds lines from a stream (stdin) to runInputCommand, answering through `answer`. Returns a detach
 * function. Splits on newlines itself and bounds the pending partial line.
 */
export function attachInputCommands(
  inputs: BenchInputs,
  stream: NodeJS.ReadableStream,
  answer: (line: string) => void,
): () => void {
  let pending = '';
  let overlong = false;
  const onData = (chunk: Buffer | string): void => {
    pending += chunk.toString();
    let nl = pending.indexOf('\n');
    while (nl >= 0) {
      const line = pending.slice(0, nl).replace(/\r$/, '');
      pending = pending.slice(nl + 1);
      const out = overlong
        ? `error bad_option: line longer than ${MAX_COMMAND_LINE_BYTES} bytes ignored`
        : runInputCommand(inputs, line);
      overlong = false;
      if (out !== null) answer(out);
      nl = pending.indexOf('\n');
    }
    if (pending.length > MAX_COMMAND_LINE_BYTES) {
      overlong = true;
      pending = '';
    }
  };
  stream.on('data', onData);
  return () => {
    stream.off('data', onData);
  };
}
