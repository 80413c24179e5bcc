import { SAMPLE_DEVICE_MESSAGES, SAMPLE_REQUESTS } from '@esphil/protocol';
import { describe, expect, it } from 'vitest';
import { expectSaneRows } from '../sane';
import { runCodec } from './codec';

describe('codec scenario (smoke)', () => {
  it('measures validated decode/encode and the JSON baselines on the sample messages', async () => {
    expect(SAMPLE_DEVICE_MESSAGES.length + SAMPLE_REQUESTS.length).toBeGreaterThan(10);
    const r = await runCodec({ warmupRounds: 1, rounds: 3, passes: 20 });
    expect(Object.keys(r.rates).sort()).toEqual([
      'JSON.parse',
      'JSON.stringify',
      'decode validated',
      'encode',
    ]);
    for (const v of Object.values(r.rates)) expect(v).toBeGreaterThan(0);
    expectSaneRows(r.rows);
    expect(r.rows.find((x) => x.metric === 'validated decode throughput')?.baseline?.name).toBe('JSON.parse');
  });
});
