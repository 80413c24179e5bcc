import type { OkResponse } from '@esphil/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DeviceClientError } from './errors';
import { RequestTracker } from './pending';
import { defaultTimers } from './timers';

const frame = (id: number) => `{"id":${id},"op":"ping"}`;
// A valid `ping` result (the tracker decodes every result against its op).
const okRes = (id: number) =>
  ({ t: 'res', id, ok: true, result: { ts: id, uptimeMs: 1 } }) as unknown as OkResponse;

describe('RequestTracker deadlines (one shared timer)', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('times out each request at its own deadline, whatever order they were made in', async () => {
    const t = new RequestTracker(defaultTimers);
    const outcomes: string[] = [];
    const track = (name: string, timeoutMs: number) => {
      const { entry, promise } = t.create('ping', frame, timeoutMs, undefined);
      t.markSent(entry);
      promise.then(
        () => outcomes.push(`${name} ok`),
        (e: DeviceClientError) => outcomes.push(`${name} ${e.code} at ${Date.now() - start}`),
      );
      return entry;
    };
    const start = Date.now();
    track('long', 3000);
    track('short', 1000);
    const mid = track('mid', 2000);
    expect(vi.getTimerCount()).toBe(1);

    await vi.advanceTimersByTimeAsync(1000);
    expect(outcomes).toEqual(['short timeout at 1000']);
    expect(t.settle(okRes(mid.id))).toBe('settled');
    await vi.advanceTimersByTimeAsync(2000);
    expect(outcomes).toEqual(['short timeout at 1000', 'mid ok', 'long timeout at 3000']);
    expect(t.inFlight).toBe(0);
  });

  it('needs no timer per request: settled requests leave one armed timer, which lapses when it fires', async () => {
    const t = new RequestTracker(defaultTimers);
    for (let i = 0; i < 10; i++) {
      const { entry, promise } = t.create('ping', frame, 5000, undefined);
      t.markSent(entry);
      t.settle(okRes(entry.id));
      await promise;
    }
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(5000);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a late answer to a timed-out request is reported late, not unknown', async () => {
    const t = new RequestTracker(defaultTimers);
    const { entry, promise } = t.create('ping', frame, 100, undefined);
    t.markSent(entry);
    const failed = expect(promise).rejects.toMatchObject({ code: 'timeout', op: 'ping', id: entry.id });
    await vi.advanceTimersByTimeAsync(100);
    await failed;
    expect(t.settle(okRes(entry.id))).toBe('late');
    expect(t.settle(okRes(999))).toBe('unknown');
  });

  it('rejectAll drops the timer once nothing is pending', () => {
    const t = new RequestTracker(defaultTimers);
    const { entry, promise } = t.create('ping', frame, 5000, undefined);
    t.markSent(entry);
    promise.catch(() => {});
    t.rejectAll((e) => ({ code: 'disconnected', op: e.op }) as unknown as DeviceClientError);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('gives ok results to onResult before the caller sees them', async () => {
    const seen: string[] = [];
    const t = new RequestTracker(defaultTimers, (op) => seen.push(`onResult ${op}`));
    const { entry, promise } = t.create('ping', frame, 5000, undefined);
    t.markSent(entry);
    const done = promise.then(() => seen.push('caller'));
    t.settle(okRes(entry.id));
    await done;
    expect(seen).toEqual(['onResult ping', 'caller']);
  });

  it('a result onResult cannot apply fails that request with a protocol error, and settle does not throw', async () => {
    const t = new RequestTracker(defaultTimers, () => {
      throw new Error('bad shape');
    });
    const { entry, promise } = t.create('ping', frame, 5000, undefined);
    t.markSent(entry);
    const failed = expect(promise).rejects.toMatchObject({ code: 'protocol', op: 'ping', id: entry.id });
    expect(t.settle(okRes(entry.id))).toBe('invalid');
    await failed;
    expect(t.inFlight).toBe(0);
  });

  it('a result of the wrong shape for its op fails with protocol and never reaches onResult', async () => {
    const seen: string[] = [];
    const t = new RequestTracker(defaultTimers, (op) => seen.push(op));
    const { entry, promise } = t.create('led.set', frame, 5000, undefined);
    t.markSent(entry);
    const failed = expect(promise).rejects.toMatchObject({ code: 'protocol', op: 'led.set' });
    const bad = { t: 'res', id: entry.id, ok: true, result: { led: 42 } } as unknown as OkResponse;
    expect(t.settle(bad)).toBe('invalid');
    await failed;
    expect(seen).toEqual([]);
  });
});
