// The reset hook inside a real esptool-js 0.7.0 ESPLoader/Transport over our Web-Serial adapter, on a recording
// binding: which resets esptool-js's connect loop now plays, and a native-USB port that leaves the bus mid-reset.
import { ESPLoader, type Transport } from 'esptool-js';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { connectResetPlan, type ResetOutcome, usbJtagResetSequence } from '../reset';
import { FakeBinding } from '../test/fake-binding';
import { installResetPlan } from './reset-hook';
import { RunnerTransport } from './runner-transport';
import { BindingSerialPort } from './web-serial-port';

const PATH = '/dev/ttyACM0';
const USB_JTAG = { usbVendorId: 0x303a, usbProductId: 0x1001 };

async function loaderOn(binding: FakeBinding, ids: { usbVendorId?: number; usbProductId?: number }) {
  const port = new BindingSerialPort({ binding, path: PATH, ...ids });
  const transport = new RunnerTransport(port as unknown as ConstructorParameters<typeof Transport>[0], false);
  await transport.connect(115200);
  void transport.readLoop();
  const quiet = { clean: () => undefined, write: () => undefined, writeLine: () => undefined };
  const loader = new ESPLoader({ transport, baudrate: 115200, romBaudrate: 115200, terminal: quiet });
  const played: { label: string; outcome: ResetOutcome }[] = [];
  const log: string[] = [];
  installResetPlan(loader, {
    path: PATH,
    plan: connectResetPlan('auto', { vendorId: ids.usbVendorId, productId: ids.usbProductId }),
    transport,
    lines: port.asControlLines(),
    romBaudrate: 115200,
    reenumerateTimeoutMs: 3_000,
    onLog: (l) => log.push(l),
    played,
  });
  return { loader, transport, played, log };
}

const states = (calls: { flags: { dtr?: boolean; rts?: boolean } }[]) =>
  calls.map((c) => `${Number(c.flags.dtr)}${Number(c.flags.rts)}`);

describe('esptool resets inside esptool-js connect', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("replaces esptool-js's two ClassicResets with esptool's four-entry cycle; none for no_reset", async () => {
    const { loader, transport } = await loaderOn(new FakeBinding().addPort(PATH), {});
    expect(loader.constructResetSequence('default_reset')).toHaveLength(4);
    expect(loader.constructResetSequence('no_reset')).toEqual([]);
    await transport.disconnect();
  });

  it('a USB-Serial/JTAG port that re-enumerates mid-reset is waited for, re-opened and reset again', async () => {
    let dropped = false;
    const binding = new FakeBinding();
    binding.addPort(PATH, {
      onSet: (_flags, port) => {
        if (dropped || port.setCalls.length < 3) return;
        dropped = true;
        binding.removePort(PATH);
        port.unplug();
        throw Object.assign(new Error('Input/output error'), { code: 'EIO' });
      },
    });
    const { loader, transport, played, log } = await loaderOn(binding, USB_JTAG);
    const first = binding.port(PATH);
    const [reset] = loader.constructResetSequence('default_reset');
    setTimeout(() => binding.addPort(PATH), 1_200); // back on the bus after 1.2 s
    const done = reset!.reset();
    await vi.advanceTimersByTimeAsync(3_000);
    await done;
    const second = binding.port(PATH);
    expect(second).not.toBe(first);
    expect(states(first.setCalls)).toHaveLength(3);
    // Re-opened ports start with both lines asserted; the full sequence is played from there.
    expect(states(second.setCalls)).toEqual(
      usbJtagResetSequence({ dtr: true, rts: true }).map((s) => `${Number(s.dtr)}${Number(s.rts)}`),
    );
    expect(played).toEqual([{ label: 'usb-jtag', outcome: 'reset' }]);
    expect(log.some((l) => l.includes('went away during the reset'))).toBe(true);
    await transport.disconnect();
  });

  it("a port that never comes back is FlashError 'flash_port_gone' after reenumerateTimeoutMs", async () => {
    const binding = new FakeBinding();
    binding.addPort(PATH, {
      onSet: (_flags, port) => {
        binding.removePort(PATH);
        port.unplug();
        throw Object.assign(new Error('Input/output error'), { code: 'EIO' });
      },
    });
    const { loader } = await loaderOn(binding, USB_JTAG);
    const [reset] = loader.constructResetSequence('default_reset');
    const seen = expect(reset!.reset()).rejects.toMatchObject({
      name: 'FlashError',
      code: 'flash_port_gone',
      message: expect.stringContaining('did not come back within 3000 ms'),
    });
    await vi.advanceTimersByTimeAsync(4_000);
    await seen;
  });
});
