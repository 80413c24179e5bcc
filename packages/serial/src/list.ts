/**
 * Port discovery. The native binding's list() runs `udevadm` on Linux and reports vendor/product ids as hex
 * strings; case varies between platforms, so everything is compared lower-case. Pseudo-terminals are never
 * listed: open them by path.
 */
import type { BindingInterface, PortInfo } from './binding';
import { SerialError } from './errors';
import { defaultBinding } from './open';

export type BoardFamily = 'esp32' | 'arduino' | 'any';

export interface BoardGuess {
  /** USB-serial chip or native USB interface. */
  chip: string;
  /** What is usually behind it. */
  description: string;
  /** Which boards normally use it: a DUT ('esp32'), a probe ('arduino') or both ('any'). */
  family: BoardFamily;
  /** Whether DTR/RTS drive EN/GPIO0 through the usual two-transistor circuit (resetToRunMode/resetToBootloader work). */
  autoReset: boolean;
  /** Matched on vendor and product id (true) or on the vendor only (false). */
  exact: boolean;
}

interface UsbId {
  vendorId: string;
  productId?: string;
  guess: Omit<BoardGuess, 'exact'>;
}

/** Known USB ids. Vendor-only rows are fallbacks for products this table does not know. */
export const KNOWN_USB_IDS: readonly UsbId[] = [
  {
    vendorId: '10c4',
    productId: 'ea60',
    guess: {
      chip: 'CP210x',
      description: 'Silicon Labs CP2102/CP2104 USB-UART (ESP32 DevKitC, DOIT DevKit V1)',
      family: 'esp32',
      autoReset: true,
    },
  },
  {
    vendorId: '1a86',
    productId: '7523',
    guess: {
      chip: 'CH340',
      description: 'WCH CH340 USB-UART (ESP32 clones, Arduino Uno/Nano clones)',
      family: 'any',
      autoReset: true,
    },
  },
  {
    vendorId: '1a86',
    productId: '55d4',
    guess: {
      chip: 'CH9102',
      description: 'WCH CH9102 USB-UART (newer ESP32 DevKits)',
      family: 'esp32',
      autoReset: true,
    },
  },
  {
    vendorId: '1a86',
    productId: '55d3',
    guess: {
      chip: 'CH343',
      description: 'WCH CH343 USB-UART (ESP32-S3/C3 DevKits)',
      family: 'esp32',
      autoReset: true,
    },
  },
  {
    vendorId: '0403',
    productId: '6001',
    guess: {
      chip: 'FT232R',
      description: 'FTDI FT232R USB-UART (adapters, older Arduinos)',
      family: 'any',
      autoReset: true,
    },
  },
  {
    vendorId: '0403',
    productId: '6010',
    guess: {
      chip: 'FT2232',
      description: 'FTDI FT2232 (ESP-Prog: JTAG + UART)',
      family: 'esp32',
      autoReset: true,
    },
  },
  {
    vendorId: '303a',
    productId: '1001',
    guess: {
      chip: 'ESP32 USB-Serial/JTAG',
      description: 'ESP32-S3/C3/C6 native USB (no USB-UART chip; DTR/RTS are emulated by the chip)',
      family: 'esp32',
      autoReset: false,
    },
  },
  {
    vendorId: '303a',
    productId: '0002',
    guess: {
      chip: 'ESP32-S2 USB CDC',
      description: 'ESP32-S2 native USB (TinyUSB CDC)',
      family: 'esp32',
      autoReset: false,
    },
  },
  {
    vendorId: '2341',
    productId: '0043',
    guess: { chip: 'ATmega16U2', description: 'Arduino Uno R3', family: 'arduino', autoReset: true },
  },
  {
    vendorId: '2341',
    productId: '0001',
    guess: { chip: 'ATmega8U2', description: 'Arduino Uno', family: 'arduino', autoReset: true },
  },
  {
    vendorId: '2341',
    productId: '0042',
    guess: { chip: 'ATmega16U2', description: 'Arduino Mega 2560 R3', family: 'arduino', autoReset: true },
  },
  {
    vendorId: '2341',
    productId: '804d',
    guess: {
      chip: 'SAMD21 native USB',
      description: 'Arduino Zero (native port)',
      family: 'arduino',
      autoReset: false,
    },
  },
  {
    vendorId: '2a03',
    productId: '0043',
    guess: {
      chip: 'ATmega16U2',
      description: 'Arduino Uno R3 (arduino.org)',
      family: 'arduino',
      autoReset: true,
    },
  },
  {
    vendorId: '10c4',
    guess: { chip: 'Silicon Labs', description: 'Silicon Labs USB-UART', family: 'any', autoReset: true },
  },
  {
    vendorId: '1a86',
    guess: { chip: 'WCH', description: 'WCH USB-UART (CH34x)', family: 'any', autoReset: true },
  },
  { vendorId: '0403', guess: { chip: 'FTDI', description: 'FTDI USB-UART', family: 'any', autoReset: true } },
  {
    vendorId: '303a',
    guess: { chip: 'Espressif USB', description: 'Espressif native USB', family: 'esp32', autoReset: false },
  },
  {
    vendorId: '2341',
    guess: { chip: 'Arduino', description: 'Arduino board', family: 'arduino', autoReset: false },
  },
];

export interface SerialPortInfo extends PortInfo {
  /** null when the USB ids are unknown or absent (built-in UARTs, virtual ports). */
  board: BoardGuess | null;
}

export interface PortMatch {
  path?: string;
  vendorId?: string;
  productId?: string;
  serialNumber?: string;
}

export interface ListOptions {
  binding?: BindingInterface;
}

function norm(id: string | undefined): string | undefined {
  if (id === undefined || id === '') return undefined;
  return id.toLowerCase().replace(/^0x/, '').padStart(4, '0');
}

/** Guesses what is behind a port from its USB vendor/product id. */
export function guessBoard(info: Pick<PortInfo, 'vendorId' | 'productId'>): BoardGuess | null {
  const vid = norm(info.vendorId);
  const pid = norm(info.productId);
  if (vid === undefined) return null;
  const exact = KNOWN_USB_IDS.find(
    (row) => row.vendorId === vid && row.productId !== undefined && row.productId === pid,
  );
  if (exact) return { ...exact.guess, exact: true };
  const vendor = KNOWN_USB_IDS.find((row) => row.vendorId === vid && row.productId === undefined);
  return vendor ? { ...vendor.guess, exact: false } : null;
}

/** Lists ports with normalised (lower-case) USB ids and a board guess, sorted by path. */
export async function listPorts(opts: ListOptions = {}): Promise<SerialPortInfo[]> {
  const binding = opts.binding ?? (await defaultBinding());
  let ports: PortInfo[];
  try {
    ports = await binding.list();
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (/udevadm/.test(message)) {
      throw new SerialError(
        'unsupported',
        `Listing serial ports needs udevadm on Linux (${message}): install it (\`apt-get install udev\`), or open a port by path.`,
        { cause: e },
      );
    }
    throw new SerialError('io', `Listing serial ports failed: ${message}`, { cause: e });
  }
  return ports
    .map((p) => {
      const vendorId = norm(p.vendorId);
      const productId = norm(p.productId);
      return { ...p, vendorId, productId, board: guessBoard({ vendorId, productId }) };
    })
    .sort((a, b) => a.path.localeCompare(b.path));
}

export function matchesPort(info: PortInfo, match: PortMatch): boolean {
  if (match.path !== undefined && info.path !== match.path) return false;
  if (match.vendorId !== undefined && norm(info.vendorId) !== norm(match.vendorId)) return false;
  if (match.productId !== undefined && norm(info.productId) !== norm(match.productId)) return false;
  if (match.serialNumber !== undefined && info.serialNumber !== match.serialNumber) return false;
  return true;
}

function describe(match: PortMatch): string {
  const parts = Object.entries(match)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${v}`);
  return parts.length > 0 ? parts.join(' ') : '(any port)';
}

/** One line per port, as `hil ports` prints it: path, USB ids, serial number, chip. */
export function describePort(p: SerialPortInfo): string {
  const ids = p.vendorId ? ` ${p.vendorId}:${p.productId ?? '????'}` : '';
  const sn = p.serialNumber ? ` sn=${p.serialNumber}` : '';
  return `${p.path}${ids}${sn}${p.board ? ` (${p.board.chip})` : ''}`;
}

/**
 * The one port matching every given field. 'port_missing' when none does, 'port_ambiguous' when several do
 * (two identical adapters on one bench: add serialNumber or path). Both messages list the ports seen.
 */
export async function findPort(match: PortMatch, opts: ListOptions = {}): Promise<SerialPortInfo> {
  const ports = await listPorts(opts);
  const hits = ports.filter((p) => matchesPort(p, match));
  const seen =
    ports.length > 0
      ? `Ports seen: ${ports.map(describePort).join(', ')}.`
      : 'No serial ports are listed at all.';
  const [first, ...rest] = hits;
  if (first === undefined) {
    throw new SerialError(
      'port_missing',
      `No serial port matches ${describe(match)}. ${seen} Check the cable and udev permissions; pseudo-terminals are never listed, open them by path.`,
      match.path === undefined ? {} : { path: match.path },
    );
  }
  if (rest.length > 0) {
    throw new SerialError(
      'port_ambiguous',
      `${hits.length} serial ports match ${describe(match)}: ${hits.map(describePort).join(', ')}. Add serialNumber or path to pick one.`,
    );
  }
  return first;
}
