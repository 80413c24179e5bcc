// The optional `app` member of hello and of the serial boot line (PROTOCOL.md §4.1): the booted image's identity.
import { describe, expect, it } from 'vitest';
import { SAMPLE_HELLO } from '../samples';
import { decodeDeviceMessage } from './device-message';
import { decodeSerialMachineLine } from './serial-line';

const app = { project: 'esphil-firmware', version: 'v0.2.0-3-gdeadbee', elfSha256: 'ab'.repeat(32) };
const boot = { t: 'boot', fw: 'v0.2.0-3-gdeadbee', board: 'b', device: 'd', boot: 'x', reason: 'poweron' };

describe('app identity', () => {
  it('is accepted in hello and in the boot line, and stays optional', () => {
    expect(decodeDeviceMessage(JSON.stringify({ ...SAMPLE_HELLO, app }))).toMatchObject({
      ok: true,
      value: { app },
    });
    expect(decodeSerialMachineLine(JSON.stringify({ ...boot, app }))).toEqual({
      ok: true,
      value: { ...boot, app },
    });
    expect(decodeSerialMachineLine(JSON.stringify(boot))).toEqual({ ok: true, value: boot });
  });

  it.each([
    [{ ...app, elfSha256: 'AB'.repeat(32) }, 'app.elfSha256'],
    [{ ...app, elfSha256: 'ab' }, 'app.elfSha256'],
    [{ ...app, version: 'v'.repeat(32) }, 'app.version'],
    [{ ...app, project: '' }, 'app.project'],
    ['esphil', 'app'],
  ])('refuses %j at %s', (bad, path) => {
    expect(decodeSerialMachineLine(JSON.stringify({ ...boot, app: bad }))).toMatchObject({
      ok: false,
      error: { code: 'bad_param', path },
    });
  });
});
