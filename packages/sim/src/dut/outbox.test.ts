import { afterEach, describe, expect, it, vi } from 'vitest';
import { createOutbox } from './outbox';

afterEach(() => {
  vi.useRealTimers();
});

describe('outbox', () => {
  it('sends at once with zero delay and nothing queued', () => {
    const out: string[] = [];
    const box = createOutbox<string>((t) => out.push(t));
    box.send('a', 0);
    expect(out).toEqual(['a']);
  });

  it('never lets a frame overtake an earlier, slower one', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const out: string[] = [];
    const box = createOutbox<string>((t) => out.push(t));
    box.send('slow', 50);
    box.send('fast', 5);
    box.send('now', 0);
    const empty = box.whenEmpty();
    await vi.advanceTimersByTimeAsync(49);
    expect(out).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(out).toEqual(['slow', 'fast', 'now']);
    await empty;
    expect(box.pending).toBe(0);
  });

  it('clear drops queued frames and releases waiters', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const out: string[] = [];
    const box = createOutbox<string>((t) => out.push(t));
    box.send('x', 10);
    const empty = box.whenEmpty();
    box.clear();
    await empty;
    await vi.advanceTimersByTimeAsync(20);
    expect(out).toEqual([]);
  });
});
