import { describe, expect, it } from 'vitest';
import { parseCliArgs } from './args';

describe('hil CLI arguments', () => {
  it('no arguments = run on the simulated bench', () => {
    expect(parseCliArgs([])).toMatchObject({
      command: 'run',
      suites: [],
      retries: 0,
      shard: null,
      simFaults: [],
    });
    expect(parseCliArgs([]).bench).toBeUndefined();
  });

  it('run with every option, repeatable ones collected', () => {
    const a = parseCliArgs([
      'run',
      '--bench',
      'b.json',
      '--suite',
      'led,pwm',
      '--suite',
      'boot',
      '--suite-dir',
      'my',
      '--out',
      'o',
      '--retries',
      '2',
      '--shard',
      '1/2',
      '--sim-fault',
      'pwm-offset:5',
      '--sim-fault',
      'button-dead',
      '--latency',
      'wifi',
    ]);
    expect(a).toEqual({
      command: 'run',
      bench: 'b.json',
      suites: ['led', 'pwm', 'boot'],
      suiteDirs: ['my'],
      out: 'o',
      retries: 2,
      shard: { index: 1, count: 2 },
      simFaults: ['pwm-offset:5', 'button-dead'],
      latency: 'wifi',
      json: false,
    });
    expect(parseCliArgs(['doctor', '--bench', 'x.yaml'])).toMatchObject({
      command: 'doctor',
      bench: 'x.yaml',
    });
    expect(parseCliArgs(['ports', '--json'])).toMatchObject({ command: 'ports', json: true });
  });

  it('bad arguments are bad_args errors', () => {
    for (const argv of [
      ['frobnicate'],
      ['--retries', 'x'],
      ['--latency', 'lte'],
      ['--nope'],
      ['--shard', '3/2'],
      ['run', 'extra'],
    ]) {
      expect(() => parseCliArgs(argv), argv.join(' ')).toThrow(expect.objectContaining({ code: 'bad_args' }));
    }
  });
});
