import { describe, expect, it } from 'vitest';
import { resolveBench } from '../bench/validate';
import { MAX_READY_PATTERN_CHARS } from './bench';

const SIM = {
  kind: 'sim',
  dut: { port: '/sim/dut' },
  probe: { port: '/sim/probe', board: 'arduino-zero' },
};
const issuesOf = (input: unknown) => resolveBench(input, { dir: '/benches' }).issues;

describe('bench file: what the DUT speaks', () => {
  it('defaults to esphil, and dut.protocol "tutorial" makes the sim run the tutorial sketch', () => {
    const esphil = resolveBench(SIM).bench!;
    expect([esphil.dut.protocol, esphil.sim.firmware]).toEqual(['esphil', 'esphil']);
    const t = resolveBench({
      ...SIM,
      dut: { port: '/sim/dut', protocol: 'tutorial', ready: 'IP (?<ip>\\S+)' },
    });
    expect(t.issues).toEqual([]);
    expect(t.bench?.dut).toMatchObject({ protocol: 'tutorial', adapter: null, ready: 'IP (?<ip>\\S+)' });
    expect(t.bench?.sim.firmware).toBe('tutorial');
    // The esphil firmware answers tutorial text too: a tutorial-protocol DUT on the esphil sim is allowed.
    const onEsphil = resolveBench({
      ...SIM,
      dut: { port: '/sim/dut', protocol: 'tutorial' },
      sim: { firmware: 'esphil' },
    });
    expect(onEsphil.issues).toEqual([]);
  });

  it('resolves dut.adapter against the bench file folder', () => {
    const { bench, issues } = resolveBench(
      { ...SIM, dut: { port: '/sim/dut', adapter: './my-dut.mjs' }, sim: { firmware: 'tutorial' } },
      { dir: '/benches' },
    );
    expect(issues).toEqual([]);
    expect(bench?.dut).toMatchObject({ protocol: 'adapter', adapter: '/benches/my-dut.mjs' });
  });

  it('says what to fix for every wrong combination', () => {
    const at = (input: unknown) => issuesOf(input).map((i) => [i.path, i.message]);
    expect(at({ ...SIM, dut: { port: '/sim/dut', protocol: 'firmata' } })).toEqual([
      ['dut.protocol', '"firmata" is not a built-in DUT protocol'],
    ]);
    expect(at({ ...SIM, dut: { port: '/sim/dut', protocol: 'tutorial', adapter: './x.mjs' } })).toEqual([
      ['dut.adapter', 'dut.adapter and dut.protocol both say what the DUT speaks'],
    ]);
    expect(at({ ...SIM, dut: { port: '/sim/dut', ready: 'x' } })).toEqual([
      ['dut.ready', 'the esphil protocol has its own ready line (@esphil {"t":"ready"})'],
    ]);
    expect(at({ ...SIM, dut: { port: '/sim/dut', protocol: 'tutorial', ready: '(' } })[0]?.[1]).toMatch(
      /^ready is not a valid pattern: /,
    );
    expect(
      at({
        ...SIM,
        dut: { port: '/sim/dut', protocol: 'tutorial', ready: 'x'.repeat(MAX_READY_PATTERN_CHARS + 1) },
      }),
    ).toEqual([
      ['dut.ready', `ready is ${MAX_READY_PATTERN_CHARS + 1} characters (limit ${MAX_READY_PATTERN_CHARS})`],
    ]);
    expect(at({ ...SIM, sim: { firmware: 'tutorial' } })).toEqual([
      ['dut.protocol', 'the tutorial sketch does not speak the esphil protocol'],
    ]);
    expect(
      at({
        ...SIM,
        kind: 'sim-pty',
        dut: { port: '/sim/dut', protocol: 'tutorial' },
        sim: { firmware: 'tutorial' },
      }),
    ).toEqual([['sim.firmware', 'the tutorial sketch runs on kind "sim" only (sim-pty given)']]);
    expect(
      at({
        ...SIM,
        dut: { port: '/sim/dut', protocol: 'tutorial' },
        sim: { backend: 'native', firmware: 'tutorial' },
      }),
    ).toEqual([['sim.backend', 'the backend runs the esphil firmware, not the tutorial sketch']]);
    expect(at({ ...SIM, sim: { firmware: 'arduino' } })).toEqual([
      ['sim.firmware', '"arduino" is not a simulated firmware'],
    ]);
    for (const i of issuesOf({ ...SIM, dut: { port: '/sim/dut', protocol: 1, adapter: '' } }))
      expect(i.hint.length).toBeGreaterThan(10);
  });
});
