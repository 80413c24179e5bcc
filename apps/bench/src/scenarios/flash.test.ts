import { parseImage } from '@esphil/device-model';
import { describe, expect, it } from 'vitest';
import { expectSaneRows } from '../sane';
import { benchAppImage, runFlashBench } from './flash';

describe('flash scenario (smoke)', () => {
  it('flashes a small generated app on the sim and reports wire and effective rates against baud/10', async () => {
    const r = await runFlashBench({ appBytes: 16_384, rounds: 1, baudRate: 460_800 });
    expect(r.limitBytesPerSecond).toBe(46_080);
    expect(r.compressedBytes).toBeGreaterThan(0);
    expect(r.compressedBytes).toBeLessThan(r.imageBytes);
    expect(r.wireBytesPerSecond).toBeGreaterThan(0);
    expect(r.effectiveBytesPerSecond).toBeGreaterThan(r.wireBytesPerSecond);
    expectSaneRows(r.rows);
    expect(r.rows.map((x) => x.baseline?.value)).toEqual([46_080, 46_080]);
  });

  it('the generated app is a valid image with its descriptor', () => {
    const parsed = parseImage(benchAppImage('esp32', 4096));
    expect(parsed.appDesc?.projectName).toBe('esphil-bench');
  });
});
