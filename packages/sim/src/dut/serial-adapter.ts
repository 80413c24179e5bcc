/**
 * Plugs the DUT's UART into the virtual serialport binding: bytes both ways, and every `set({dtr, rts})`
 * (including the OS asserting both on open and HUPCL dropping both on close) into the auto-reset circuit.
 */
import type { VirtualSerialDevice, VirtualSerialLink } from '../binding/types';
import type { VirtualEsp32 } from './virtual-esp32';

export function dutSerialDevice(dut: VirtualEsp32): VirtualSerialDevice & { detach(): void } {
  let link: VirtualSerialLink | null = null;
  const onSerial = (data: Uint8Array): void => {
    link?.push(data);
  };
  // The ROM loader's CHANGE_BAUDRATE moves the board's UART; the host must follow (the binding garbles otherwise).
  const onBaud = (baud: number): void => link?.setBaudRate?.(baud);
  dut.on('serial', onSerial);
  dut.on('baud', onBaud);
  return {
    onAttach(l) {
      link = l;
    },
    onOpen(ctx) {
      dut.setControlLines(ctx.signals);
    },
    onData(bytes) {
      dut.serialWrite(bytes);
    },
    onSignals(signals) {
      dut.setControlLines(signals);
    },
    detach() {
      dut.off('serial', onSerial);
      dut.off('baud', onBaud);
      link = null;
    },
  };
}
