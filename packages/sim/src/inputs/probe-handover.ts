/** The probe as the binding sees it, plus a hook when a host opens its port (the bench hands the inputs over). */
import type { VirtualSerialDevice } from '../binding/types';

export function onFirstOpen(device: VirtualSerialDevice, hook: () => void): VirtualSerialDevice {
  let told = false;
  return {
    onAttach: device.onAttach?.bind(device),
    onOpen(ctx) {
      if (!told) {
        told = true;
        hook();
      }
      device.onOpen?.(ctx);
    },
    onData: device.onData?.bind(device),
    onSignals: device.onSignals?.bind(device),
    onBaudRate: device.onBaudRate?.bind(device),
    onClose: device.onClose?.bind(device),
    status: device.status?.bind(device),
  };
}
