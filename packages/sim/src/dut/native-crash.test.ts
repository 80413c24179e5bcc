// A dead esphil-native is a firmware crash, not a zombie: a fake executable (a shell script) answers `start`, then
// dies on the next command with an exit code and stderr. The DUT prints the reason and the stderr tail, panics and
// boots a fresh process; the backend reports the exit once, and never after its own close().
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDut, TEST_CONFIG } from '../testing/dut';
import type { BackendExit } from './backend';
import { createNativeBackend, nativeBackendFactory } from './native-backend';
import { TsBackend } from './ts-backend';

const identity = { fw: '0.1.0', board: TEST_CONFIG.board, device: 'esphil-test', boot: '00000000' };
let dir = '';
let crasher = '';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'esphil-native-crash-'));
  const started = await new TsBackend().start(TEST_CONFIG, identity);
  writeFileSync(join(dir, 'start.json'), `${JSON.stringify({ ok: true, ...started })}\n`);
  crasher = join(dir, 'crasher.sh');
  writeFileSync(
    crasher,
    [
      '#!/bin/sh',
      'read line',
      `cat '${join(dir, 'start.json')}'`,
      'read line',
      'echo "device.cpp:42: assertion failed: slot < MAX_CLIENTS" >&2',
      'exit 3',
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('a dead native backend', () => {
  it('reports its exit code and stderr tail once, and nothing after close()', async () => {
    const b = createNativeBackend({ executable: crasher });
    const exits: BackendExit[] = [];
    b.onExit?.((e) => exits.push(e));
    await b.start(TEST_CONFIG, identity);
    await expect(b.snapshot()).rejects.toMatchObject({
      code: 'not_running',
      message: expect.stringMatching(/exited \(code 3\)/),
    });
    await expect.poll(() => exits.length).toBe(1);
    expect(exits[0]).toEqual({
      reason: 'exited (code 3)',
      stderrTail: 'device.cpp:42: assertion failed: slot < MAX_CLIENTS',
    });

    const closed = createNativeBackend({ executable: crasher });
    const late: BackendExit[] = [];
    closed.onExit?.((e) => late.push(e));
    await closed.start(TEST_CONFIG, identity);
    await closed.close();
    expect(late).toEqual([]);
  });

  it('is a device crash: the cause on the console, a panic, then a fresh boot that runs again', async () => {
    const h = await startDut({ backend: nativeBackendFactory({ executable: crasher }) });
    try {
      const boot = h.dut.bootId;
      const from = h.consoleLength();
      h.dut.serialWrite(Buffer.from('@esphil {"id":1,"op":"ping"}\n'));
      await h.waitConsole(/device core exited \(code 3\)/, from);
      await h.waitConsole(/stderr: device\.cpp:42: assertion failed/, from);
      await h.waitConsole(/Guru Meditation Error/, from);
      await h.dut.waitForPhase('running');
      await expect.poll(() => h.dut.boots).toBe(2);
      expect(h.dut.bootId).not.toBe(boot);
      expect(h.dut.phase).toBe('running');
    } finally {
      await h.close();
    }
  });
});
