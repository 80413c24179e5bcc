import { readFileSync } from 'node:fs';
import type { VectorFile } from '@esphil/device-model';
import { describe, expect, it } from 'vitest';
import type { DeviceBackend } from './backend';
import { runBackendVector } from './backend-vectors';
import { tsBackendFactory } from './ts-backend';

const file = JSON.parse(
  readFileSync(new URL('../../../device-model/vectors/state-machine.json', import.meta.url), 'utf8'),
) as VectorFile;

describe('TsBackend', () => {
  it.each(file.vectors.map((v) => [v.name, v] as const))(
    'conforms to the state-machine vector: %s',
    async (_n, v) => {
      const r = await runBackendVector(tsBackendFactory, file, v);
      expect(r.failure).toBeNull();
      // Every vector request must pass the wire codec, so the state machine (not the codec) answers it:
      // a preempted step means the codec and the state machine disagree on what is well-formed.
      expect(r.preempted).toEqual([]);
    },
  );

  it('the vector runner catches a backend that answers wrongly', async () => {
    const lying = (): DeviceBackend => {
      const real = tsBackendFactory();
      return {
        ...real,
        start: (c, id) => real.start(c, id),
        snapshot: () => real.snapshot(),
        close: () => real.close(),
        handleInput: (i, ctx) => real.handleInput(i, ctx),
        handleFrame: async (t, from, ctx) => {
          const out = await real.handleFrame(t, from, ctx);
          return { ...out, reply: out.reply?.replace('"ok":true', '"ok":false') ?? null };
        },
      };
    };
    const v = file.vectors[0]!;
    expect((await runBackendVector(lying, file, v)).failure).toMatch(/step 0: response\.ok/);
  });

  it('answers undecodable frames with the codec error and the id when readable', async () => {
    const b = tsBackendFactory();
    await b.start(file.configs.starter!, file.ctx.identity);
    const ctx = { ...file.ctx, from: { kind: 'ws' as const, client: 0 } };
    const out = await b.handleFrame('{"id":4,"op":', ctx.from, ctx);
    expect(JSON.parse(out.reply!)).toMatchObject({ t: 'res', ok: false, error: { code: 'bad_json' } });
    const big = await b.handleFrame(`{"id":5,"op":"ping","x":"${'a'.repeat(16_000)}"}`, ctx.from, ctx);
    expect(JSON.parse(big.reply!)).toMatchObject({ ok: false, error: { code: 'too_large' } });
    await b.close();
  });
});
