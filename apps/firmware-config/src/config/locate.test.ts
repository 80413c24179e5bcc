import { describe, expect, it } from 'vitest';
import { pathLocator, pathSegments } from './locate';

describe('pathLocator', () => {
  it('splits JSON paths', () => {
    expect(pathSegments('pwm[1].pin')).toEqual(['pwm', 1, 'pin']);
    expect(pathSegments('websocket.heartbeat.intervalMs')).toEqual(['websocket', 'heartbeat', 'intervalMs']);
  });

  it('finds a value in YAML and in JSON', () => {
    const yaml =
      'version: 1\nboard: esp32-devkitc\npwm:\n  - name: a\n    pin: 18\n  - name: b\n    pin: 6\n';
    expect(pathLocator(yaml)('pwm[1].pin')).toEqual({ line: 7, column: 10 });
    const json = '{\n  "version": 1,\n  "leds": [\n    { "name": "x", "pin": 6 }\n  ]\n}';
    expect(pathLocator(json)('leds[0].pin')).toEqual({ line: 4, column: 27 });
  });

  it('points a missing key at its parent', () => {
    const yaml = 'version: 1\nleds:\n  - pin: 2\n';
    expect(pathLocator(yaml)('leds[0].name')).toEqual({ line: 3, column: 5 });
  });
});
