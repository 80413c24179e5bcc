import { describe, expect, it } from 'vitest';
import { detectFormat, lineColumnOf, MAX_YAML_ALIASES, parseConfigText } from './parse';

describe('parseConfigText', () => {
  it('parses JSON and YAML to the same object', () => {
    const json = parseConfigText(
      '{"version": 1, "board": "esp32-devkitc", "leds": [{"name": "a", "pin": 2}]}',
    );
    const yaml = parseConfigText('version: 1\nboard: esp32-devkitc\nleds:\n  - name: a\n    pin: 2\n');
    expect(json).toMatchObject({ ok: true, format: 'json' });
    expect(yaml).toMatchObject({ ok: true, format: 'yaml' });
    expect(json.ok && yaml.ok && json.value).toEqual(yaml.ok && yaml.value);
  });

  it('points a JSON syntax error at its line and column', () => {
    const r = parseConfigText('{\n  "version": 1,\n  "board": "x",,\n}', { fileName: 'c.json' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toMatchObject({ code: 'config.syntax', line: 3 });
    expect(r.error.column).toBeGreaterThan(1);
    expect(r.error.message).toMatch(/line 3, column \d+/);
  });

  it('points a YAML syntax error at its line and column', () => {
    const r = parseConfigText('version: 1\nboard: esp32-devkitc\nleds:\n  - name: a\n   pin: [2\n', {
      fileName: 'c.yaml',
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('config.syntax');
    expect(r.error.line).toBeGreaterThanOrEqual(4);
    expect(r.error.message).toMatch(/^YAML syntax error at line \d+, column \d+/);
  });

  it('reports duplicate YAML keys instead of silently keeping one', () => {
    const r = parseConfigText('version: 1\nboard: a\nboard: b\n');
    expect(r).toMatchObject({ ok: false, error: { code: 'config.duplicate-key', line: 3 } });
    expect(!r.ok && r.error.message).toMatch(/^YAML duplicate key at line 3/);
  });

  it('reports duplicate JSON keys (JSON.parse would keep the last) with line, column and path', () => {
    const text = '{\n  "version": 1,\n  "leds": [{"name": "a", "pin": 2, "pin": 4}],\n  "version": 2\n}';
    const r = parseConfigText(text, { fileName: 'c.json' });
    expect(r).toMatchObject({ ok: false, error: { code: 'config.duplicate-key', line: 3, column: 36 } });
    expect(!r.ok && r.error.message).toMatch(/duplicate key 'pin' .*\(leds\[0\]\.pin\)/);
    const later = parseConfigText('{"a": {"x": 1}, "b": [{"x": 1}, {"x": 2}], "a": 3}', {
      fileName: 'c.json',
    });
    expect(!later.ok && later.error.message).toMatch(/duplicate key 'a' .*\(a\)/);
  });

  it('equal keys in different objects, and keys inside strings, are not duplicates', () => {
    const r = parseConfigText('{"leds": [{"name": "a,\\"name\\":"}, {"name": "b"}], "name": "x"}', {
      fileName: 'c.json',
    });
    expect(r).toMatchObject({ ok: true });
  });

  it('accepts a UTF-8 byte order mark (JSON and YAML)', () => {
    expect(parseConfigText('\uFEFF{"version": 1}', { fileName: 'c.json' })).toMatchObject({
      ok: true,
      value: { version: 1 },
    });
    expect(parseConfigText('\uFEFFversion: 1\n', { fileName: 'c.yaml' })).toMatchObject({
      ok: true,
      value: { version: 1 },
    });
  });

  it('refuses oversize and empty input with a message', () => {
    expect(parseConfigText('x'.repeat(100), { maxBytes: 10 })).toMatchObject({
      ok: false,
      error: { code: 'config.too-large' },
    });
    expect(parseConfigText('  \n')).toMatchObject({ ok: false, error: { code: 'config.empty' } });
  });

  it('stops YAML alias bombs', () => {
    const lines = ['a: &a [x, x]'];
    for (let i = 0; i <= MAX_YAML_ALIASES; i++) lines.push(`b${i}: *a`);
    const r = parseConfigText(lines.join('\n'));
    expect(r.ok).toBe(false);
  });

  it('detects the format from the name, then the content', () => {
    expect(detectFormat('a: 1', 'x.json')).toBe('json');
    expect(detectFormat('{}', 'x.yml')).toBe('yaml');
    expect(detectFormat('  {"a":1}')).toBe('json');
    expect(detectFormat('a: 1')).toBe('yaml');
  });

  it('computes 1-based line and column', () => {
    expect(lineColumnOf('ab\ncd', 0)).toEqual({ line: 1, column: 1 });
    expect(lineColumnOf('ab\ncd', 4)).toEqual({ line: 2, column: 2 });
  });
});
