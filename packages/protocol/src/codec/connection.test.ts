import { describe, expect, it } from 'vitest';
import { hasEsphilMarker, targetPath, withEsphilMarker } from './connection';

describe('withEsphilMarker', () => {
  it('adds the marker as the only or an extra query parameter', () => {
    expect(withEsphilMarker('ws://192.168.1.42:81/')).toBe('ws://192.168.1.42:81/?esphil');
    expect(withEsphilMarker('ws://h:81/ws?room=lab')).toBe('ws://h:81/ws?room=lab&esphil');
    expect(withEsphilMarker('ws://h:81/?')).toBe('ws://h:81/?esphil');
    expect(withEsphilMarker('ws://h:81/?a=1&')).toBe('ws://h:81/?a=1&esphil');
    expect(withEsphilMarker('ws://h:81/#top')).toBe('ws://h:81/?esphil#top');
  });

  it('leaves a URL that already carries it alone', () => {
    for (const u of ['ws://h/?esphil', 'ws://h/?esphil=1', 'ws://h/?a&esphil=x'])
      expect(withEsphilMarker(u)).toBe(u);
    expect(hasEsphilMarker(withEsphilMarker('ws://h/?x=esphil'))).toBe(true);
  });
});

describe('targetPath', () => {
  it('drops the query and fragment', () => {
    expect(targetPath('/')).toBe('/');
    expect(targetPath('/?esphil')).toBe('/');
    expect(targetPath('/ws?a=1#x')).toBe('/ws');
    expect(targetPath('/ws#x')).toBe('/ws');
  });
});
