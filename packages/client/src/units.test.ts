import { SAMPLE_STATE } from '@esphil/protocol';
import { describe, expect, it } from 'vitest';
import { backoffDelay, DEFAULT_BACKOFF } from './backoff';
import { EventStream } from './event-stream';
import { ConnectGate } from './gate';
import { applyEvent, cloneState, diffState } from './state-mirror';

describe('backoffDelay', () => {
  const o = { ...DEFAULT_BACKOFF, initialDelayMs: 100, maxDelayMs: 1000, factor: 2 };
  it('full jitter scales the exponential, capped bound', () => {
    expect([0, 1, 2, 3, 4, 10].map((a) => backoffDelay(a, o, () => 0.5))).toEqual([
      50, 100, 200, 400, 500, 500,
    ]);
    expect(backoffDelay(3, o, () => 0)).toBe(0);
  });
  it("jitter 'none' uses the bound; out-of-range random is clamped", () => {
    expect(backoffDelay(2, { ...o, jitter: 'none' }, () => 0.1)).toBe(400);
    expect(backoffDelay(1, o, () => 7)).toBe(200);
    expect(backoffDelay(1, o, () => -1)).toBe(0);
  });
});

describe('EventStream', () => {
  it('drops the oldest when the buffer is full and counts drops', async () => {
    const s = new EventStream<number>({ bufferSize: 3 }, () => {});
    for (let i = 1; i <= 5; i++) s.push(i);
    expect(s.dropped).toBe(2);
    s.end();
    const got: number[] = [];
    for await (const v of s) got.push(v);
    expect(got).toEqual([3, 4, 5]);
  });
  it('hands items straight to a waiting consumer', async () => {
    const s = new EventStream<string>({ bufferSize: 1 }, () => {});
    const p = s.next();
    s.push('a');
    s.push('b');
    expect(await p).toEqual({ value: 'a', done: false });
    expect(s.dropped).toBe(0);
  });
  it('return() detaches', async () => {
    let detached = 0;
    const s = new EventStream<number>({}, () => detached++);
    await s.return();
    s.push(1);
    expect(detached).toBe(1);
    expect((await s.next()).done).toBe(true);
  });
});

describe('state mirror', () => {
  it('applies events and diffs snapshots (sensors excluded)', () => {
    const before = cloneState(SAMPLE_STATE);
    const after = cloneState(SAMPLE_STATE);
    applyEvent(after, { t: 'evt', seq: 1, ev: 'led', led: 'status', on: true, by: 'local' });
    applyEvent(after, { t: 'evt', seq: 2, ev: 'sensor', sensor: 'light', raw: 1, value: 2 });
    applyEvent(after, { t: 'evt', seq: 3, ev: 'button', button: 'boot', pressed: true });
    expect(after.sensors.light).toEqual({ raw: 1, value: 2 });
    expect(diffState(before, after)).toEqual([
      { kind: 'led', name: 'status', before: false, after: true },
      { kind: 'button', name: 'boot', before: false, after: true },
    ]);
    expect(SAMPLE_STATE.leds.status).toBe(false);
  });
});

describe('ConnectGate', () => {
  it('admits at most `limit` holders; release hands the slot to the next waiter', async () => {
    const g = new ConnectGate(2);
    const r1 = await g.acquire();
    const r2 = await g.acquire();
    let third = false;
    const p3 = g.acquire().then((r) => {
      third = true;
      return r;
    });
    await Promise.resolve();
    expect(third).toBe(false);
    r1();
    r1(); // double release is harmless
    const r3 = await p3;
    expect(third).toBe(true);
    r2();
    r3();
    const r4 = await g.acquire();
    const r5 = await g.acquire();
    r4();
    r5();
  });
});
