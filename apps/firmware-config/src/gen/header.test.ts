import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  allocateLedc,
  type DeviceConfig,
  resolveConfig,
  starterConfig,
  validateConfig,
} from '@esphil/device-model';
import { describe, expect, it } from 'vitest';
import { generateArtifacts } from './artifacts';
import { cRawString, cString, macroPart } from './c-literal';
import { firmwareConfig } from './header';

const hasGpp = spawnSync('g++', ['--version']).status === 0;

/** The embedded JSON, read back the way a C++ compiler would see the raw string. */
function embeddedJson(header: string): unknown {
  const m = /ESPHIL_DEVICE_CONFIG_JSON\[\] = R"([^(]*)\(([\s\S]*?)\)\1";/.exec(header);
  if (!m?.[2]) throw new Error('no ESPHIL_DEVICE_CONFIG_JSON raw string');
  return JSON.parse(m[2]);
}

function generated(config: DeviceConfig): string {
  const r = generateArtifacts(config);
  if (!r.ok) throw new Error(`invalid: ${JSON.stringify(r.diagnostics)}`);
  return r.files['device_config.h'];
}

const twoTimers: DeviceConfig = {
  version: 1,
  board: 'esp32-doit-devkit-v1',
  core: '2.x',
  leds: [{ name: 'status', pin: 2 }],
  pwm: [
    { name: 'fan', pin: 18, freq: 5000, bits: 10 },
    { name: 'motor-a', pin: 19, freq: 20000, bits: 8 },
    { name: 'motor_a', pin: 21, freq: 20000, bits: 8 },
  ],
  buttons: [{ name: 'boot', pin: 4 }],
  sensors: [{ name: 'light', pin: 34, unit: 'V', maxHz: 20 }],
  websocket: { port: 8081, path: '/ws', authToken: 'se"cr)json"et-0123' },
};

describe('generateHeader', () => {
  it('embeds the resolved config in the symbol the firmware reads, with channels as allocated', () => {
    const header = generated(twoTimers);
    const json = embeddedJson(header) as DeviceConfig;
    const resolved = resolveConfig(twoTimers);
    const alloc = allocateLedc(resolved, '2.x');
    expect(json).toEqual(firmwareConfig(resolved, alloc.assignments));
    expect(json.pwm?.map((p) => p.channel)).toEqual(alloc.assignments.map((a) => a.channel));
    // The config the firmware boots with is valid and allocates exactly the same way.
    const again = validateConfig(json);
    expect(again.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(allocateLedc(json, '2.x').assignments).toEqual(alloc.assignments);
  });

  it('writes pins, LEDC channel/timer, WebSocket settings and sensor rates as macros', () => {
    const header = generated(twoTimers);
    const alloc = allocateLedc(resolveConfig(twoTimers), '2.x').assignments;
    const fan = alloc.find((a) => a.name === 'fan');
    const motor = alloc.find((a) => a.name === 'motor-a');
    expect(fan && motor).toBeTruthy();
    expect(header).toContain('#define ESPHIL_CFG_LED_STATUS_PIN 2');
    expect(header).toContain('#define ESPHIL_CFG_PWM_FAN_PIN 18');
    expect(header).toContain(`#define ESPHIL_CFG_PWM_FAN_CHANNEL ${fan?.channel}`);
    expect(header).toContain(`#define ESPHIL_CFG_PWM_FAN_TIMER ${fan?.timer}`);
    expect(header).toContain(`#define ESPHIL_CFG_PWM_MOTOR_A_CHANNEL ${motor?.channel}`);
    // "motor_a" mangles to the same macro as "motor-a": it gets a distinct one.
    expect(header).toContain('#define ESPHIL_CFG_PWM_MOTOR_A_2_PIN 21');
    expect(header).toContain('#define ESPHIL_CFG_SENSOR_LIGHT_MAX_HZ 20');
    expect(header).toContain('#define ESPHIL_CFG_WS_PORT 8081');
    expect(header).toContain('#define ESPHIL_CFG_WS_PATH "/ws"');
    expect(header).toContain('#define ESPHIL_CFG_CORE_MAJOR 2');
    expect(header).toContain('keep this file out of version control');
    // Two 20 kHz outputs share a timer pair under 2.x, the 5 kHz one has its own.
    expect(motor?.timer).not.toBe(fan?.timer);
  });

  it('picks a raw-string delimiter the content does not contain', () => {
    expect(cRawString('a)json"b')).toBe('R"json1(a)json"b)json1"');
    const header = generated(twoTimers);
    expect((embeddedJson(header) as DeviceConfig).websocket?.authToken).toBe('se"cr)json"et-0123');
  });

  it('escapes C strings without hex-escape overrun', () => {
    expect(cString('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(cString('\u0001F')).toBe('"\\001F"');
    expect(macroPart('9lives')).toBe('_9LIVES');
  });

  it('compiles with g++ -fsyntax-only next to a sketch using every constant', () => {
    if (!hasGpp)
      throw new Error(
        'g++ is missing: this test compiles the generated header (Debian: apt-get install g++).',
      );
    const dir = mkdtempSync(join(tmpdir(), 'fwcfg-h-'));
    try {
      for (const [name, config] of [
        ['starter', starterConfig('esp32-doit-devkit-v1')],
        ['two', twoTimers],
        ['empty', { version: 1, board: 'esp32-c3-devkitm-1' } satisfies DeviceConfig],
      ] as const) {
        const header = generated(config);
        writeFileSync(join(dir, 'device_config.h'), header);
        const uses = [...header.matchAll(/^#define (ESPHIL_CFG_\w+)/gm)].map((m) => `  (void)(${m[1]});`);
        const ledcUse = header.includes('ESPHIL_CFG_LEDC[]') ? '  (void)ESPHIL_CFG_LEDC[0].channel;' : '';
        writeFileSync(
          join(dir, `${name}.cpp`),
          `#include "device_config.h"\n#include "device_config.h"\nint main() {\n  (void)ESPHIL_DEVICE_CONFIG_JSON;\n${uses.join('\n')}\n${ledcUse}\n  return sizeof(ESPHIL_DEVICE_CONFIG_JSON) > 2 ? 0 : 1;\n}\n`,
        );
        execFileSync(
          'g++',
          ['-std=c++17', '-Wall', '-Werror', '-Wno-unused-value', '-fsyntax-only', join(dir, `${name}.cpp`)],
          {
            stdio: 'pipe',
          },
        );
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
