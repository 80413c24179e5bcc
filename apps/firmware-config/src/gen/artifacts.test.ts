import {
  BOARD_IDS,
  type DeviceConfig,
  deriveCapabilities,
  getBoard,
  starterConfig,
} from '@esphil/device-model';
import { describe, expect, it } from 'vitest';
import { generateArtifacts } from './artifacts';
import { diffValues } from './diff';
import { pinoutSvg } from './pinout-svg';
import { assignmentsOf, assignPin, rolesForPin } from './roles';

const busy: DeviceConfig = {
  version: 1,
  board: 'esp32-devkitc',
  leds: [
    { name: 'red', pin: 23 },
    { name: 'green', pin: 22 },
  ],
  pwm: [
    { name: 'fan', pin: 18 },
    { name: 'servo', pin: 19, freq: 50, bits: 16 },
  ],
  buttons: [{ name: 'go', pin: 4 }],
  sensors: [
    { name: 'light', pin: 34 },
    { name: 'temp', pin: 35, unit: 'C' },
  ],
};

describe('generateArtifacts', () => {
  it('refuses an invalid config with the validator diagnostics and no files', () => {
    const r = generateArtifacts({ ...busy, leds: [{ name: 'bad', pin: 6 }] });
    expect(r.ok).toBe(false);
    expect(r.diagnostics).toContainEqual(
      expect.objectContaining({ code: 'pin.flash', pin: 6, severity: 'error' }),
    );
    expect('files' in r).toBe(false);
  });

  it('manifest carries deriveCapabilities, the board, the allocation and the pins, but not the token', () => {
    const r = generateArtifacts({ ...busy, websocket: { authToken: 'hunter22-hunter22' } });
    if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
    const m = JSON.parse(r.files['capabilities.json']);
    expect(m.capabilities).toEqual(
      deriveCapabilities({ ...busy, websocket: { authToken: 'hunter22-hunter22' } }),
    );
    expect(m.board).toMatchObject({ id: 'esp32-devkitc', chip: 'esp32' });
    expect(m.ledc.map((a: { name: string }) => a.name)).toEqual(['fan', 'servo']);
    expect(m.ledc[1]).toMatchObject({ pin: 19, freq: 50, bits: 16 });
    expect(m.pins).toEqual(
      [...assignmentsOf(busy)]
        .map(({ gpio, role, name }) => ({ gpio, role, name }))
        .sort((a, b) => a.gpio - b.gpio),
    );
    expect(m.websocket.auth).toBe(true);
    expect(r.files['capabilities.json']).not.toContain('hunter22-hunter22');
  });

  it('pinout.svg labels every assigned pin with its role and name', () => {
    const r = generateArtifacts(busy);
    if (!r.ok) throw new Error('invalid');
    const svg = r.files['pinout.svg'];
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    for (const a of assignmentsOf(busy)) {
      const group = new RegExp(
        `<g class="pin pin-role-${a.role}[^"]*" data-gpio="${a.gpio}" data-role="${a.role}" data-name="${a.name}"`,
      );
      expect(svg).toMatch(group);
      expect(svg).toMatch(new RegExp(`class="role-label"[^>]*>(LED|PWM|Button|Sensor) ${a.name}`));
    }
    expect(svg).toContain('PWM servo ch');
  });

  it('pinout.svg escapes names and shows pins that are not on the board', () => {
    const board = getBoard('esp32-devkitc');
    if (!board) throw new Error('board');
    const svg = pinoutSvg(board, {
      leds: [
        { name: '<x&y>', pin: 23 },
        { name: 'ghost', pin: 99 },
      ],
    });
    expect(svg).toContain('&lt;x&amp;y&gt;');
    expect(svg).not.toContain('<x&y>');
    expect(svg).toContain('Not on this chip: GPIO99 (LED ghost)');
  });

  it('interactive mode makes each pin a focusable button with a test id', () => {
    const board = getBoard('esp32-doit-devkit-v1');
    if (!board) throw new Error('board');
    const svg = pinoutSvg(board, starterConfig('esp32-doit-devkit-v1'), { interactive: true, selected: 18 });
    expect(svg).toMatch(/data-testid="pin-18" role="button" tabindex="0" aria-label="GPIO18: PWM fan/);
    expect(svg).toMatch(/class="pin pin-role-pwm selected"/);
  });

  it('generates for every board starter', () => {
    for (const id of BOARD_IDS) expect(generateArtifacts(starterConfig(id)).ok).toBe(true);
  });
});

describe('roles', () => {
  it('offers only what the pin can do', () => {
    const b = getBoard('esp32-devkitc');
    const g = (n: number) => {
      const x = b?.gpios.find((p) => p.gpio === n);
      if (!x) throw new Error(`no GPIO${n}`);
      return x;
    };
    expect(rolesForPin(g(34), { wifi: true })).toEqual(['button', 'sensor']);
    expect(rolesForPin(g(18), { wifi: true })).toEqual(['led', 'pwm', 'button']);
    expect(rolesForPin(g(6), { wifi: true })).toEqual([]);
    // GPIO4 is ADC2: unreadable with WiFi on.
    expect(rolesForPin(g(4), { wifi: true })).not.toContain('sensor');
    expect(rolesForPin(g(4), { wifi: false })).toContain('sensor');
  });

  it('assignPin moves a pin between roles and keeps its name', () => {
    let c = starterConfig('esp32-doit-devkit-v1');
    c = assignPin(c, 18, 'led');
    expect(c.pwm).toEqual([]);
    expect(c.leds).toContainEqual({ name: 'fan', pin: 18 });
    c = assignPin(c, 19, 'pwm');
    expect(c.pwm).toEqual([{ name: 'pwm1', pin: 19, freq: 5000, bits: 8 }]);
    c = assignPin(c, 19, null);
    expect(assignmentsOf(c).some((a) => a.gpio === 19)).toBe(false);
  });

  it('assignPin copes with a hand-edited config whose lists are not lists', () => {
    const odd = { version: 1, board: 'esp32-devkitc', leds: 'x' } as unknown as DeviceConfig;
    expect(assignPin(odd, 23, 'led').leds).toEqual([{ name: 'led1', pin: 23 }]);
    expect(assignmentsOf(odd)).toEqual([]);
  });
});

describe('diffValues', () => {
  it('lists changed, missing and extra fields by path', () => {
    expect(diffValues({ a: [1, { b: 2 }], c: 1 }, { a: [1, { b: 3 }, 4], d: 1 })).toEqual([
      { path: 'a[1].b', expected: 2, actual: 3 },
      { path: 'a[2]', expected: undefined, actual: 4 },
      { path: 'c', expected: 1, actual: undefined },
      { path: 'd', expected: undefined, actual: 1 },
    ]);
    expect(diffValues({ x: [1] }, { x: [1] })).toEqual([]);
  });
});
