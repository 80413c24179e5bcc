import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SerialError } from '../errors';
import { playResetAttempt } from './attempt';
import { REOPEN_POLL_MS, reopenWhenBack } from './reopen';
import { connectResetPlan } from './strategy';

const missing = () =>
  Object.assign(new Error('Error: No such file or directory, cannot open'), { code: 'ENOENT' });

describe('waiting for a re-enumerated port', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('retries every 500 ms (esptool reset.py:63) while the path is missing, then opens', async () => {
    const tries: number[] = [];
    const open = async () => {
      tries.push(Date.now());
      if (tries.length < 3) throw missing();
      return 'port';
    };
    const done = reopenWhenBack('/dev/ttyACM0', open, { timeoutMs: 5_000 });
    await vi.advanceTimersByTimeAsync(2 * REOPEN_POLL_MS);
    await expect(done).resolves.toBe('port');
    expect(tries).toEqual([0, 500, 1000]);
  });

  it("gives up at the deadline with 'port_missing' saying how long it waited", async () => {
    const done = reopenWhenBack('/dev/ttyACM0', async () => Promise.reject(missing()), { timeoutMs: 1_200 });
    const seen = expect(done).rejects.toMatchObject({
      code: 'port_missing',
      message: expect.stringMatching(/did not come back within 1200 ms/),
    });
    await vi.advanceTimersByTimeAsync(2_000);
    await seen;
    expect(vi.getTimerCount()).toBe(0);
  });

  it('throws other failures at once and refuses an unbounded wait', async () => {
    const busy = Object.assign(new Error('Resource temporarily unavailable Cannot lock port'), {
      code: 'EBUSY',
    });
    await expect(reopenWhenBack('/dev/x', async () => Promise.reject(busy))).rejects.toMatchObject({
      code: 'port_busy',
    });
    await expect(reopenWhenBack('/dev/x', async () => 1, { timeoutMs: 3_600_000 })).rejects.toMatchObject({
      code: 'unsupported',
    });
  });
});

describe('one reset attempt, esptool style (reset.py:44-63)', () => {
  const attempt = connectResetPlan('usb-jtag')[0]!;
  const quick = async () => undefined;

  it('a port without modem lines: warn, do not throw, no reopen', async () => {
    const warn = vi.fn();
    const reopen = vi.fn(async () => undefined);
    const pty = {
      set: async () => Promise.reject(new Error('Error: Inappropriate ioctl for device, cannot set')),
    };
    const outcome = await playResetAttempt(attempt, {
      path: '/dev/pts/3',
      target: pty,
      lines: () => ({ dtr: true, rts: true }),
      reopen,
      warn,
      sleep: quick,
    });
    expect(outcome).toBe('no-modem-lines');
    expect(warn).toHaveBeenCalledOnce();
    expect(reopen).not.toHaveBeenCalled();
  });

  it('a port that drops out mid-reset is re-opened and the whole sequence played again', async () => {
    const writes: string[] = [];
    let gone = true;
    const target = {
      set: async (l: { dtr: boolean; rts: boolean }) => {
        if (gone && writes.length === 3)
          throw Object.assign(new Error('Input/output error'), { code: 'EIO' });
        writes.push(`${Number(l.dtr)}${Number(l.rts)}`);
      },
    };
    const reopen = vi.fn(async () => {
      gone = false;
      writes.push('reopen');
    });
    const outcome = await playResetAttempt(attempt, {
      path: '/dev/ttyACM0',
      target,
      lines: () => ({ dtr: true, rts: true }),
      reopen,
      warn: () => undefined,
      sleep: quick,
    });
    expect(outcome).toBe('reset');
    expect(reopen).toHaveBeenCalledOnce();
    const full = attempt.steps({ dtr: true, rts: true }).map((s) => `${Number(s.dtr)}${Number(s.rts)}`);
    expect(writes).toEqual([...full.slice(0, 3), 'reopen', ...full]);
  });

  it('three drop-outs fail the attempt; other errors fail it at once', async () => {
    const reopen = vi.fn(async () => undefined);
    const ctx = {
      path: '/dev/ttyACM0',
      lines: () => ({ dtr: true, rts: true }),
      reopen,
      warn: () => undefined,
      sleep: quick,
    };
    const eio = { set: async () => Promise.reject(Object.assign(new Error('I/O'), { code: 'EIO' })) };
    await expect(playResetAttempt(attempt, { ...ctx, target: eio })).rejects.toBeInstanceOf(SerialError);
    expect(reopen).toHaveBeenCalledTimes(2);
    reopen.mockClear();
    const eacces = {
      set: async () => Promise.reject(Object.assign(new Error('denied'), { code: 'EACCES' })),
    };
    await expect(playResetAttempt(attempt, { ...ctx, target: eacces })).rejects.toMatchObject({
      code: 'permission',
    });
    expect(reopen).not.toHaveBeenCalled();
  });
});
