/**
 * The registers the host reads and writes through READ_REG / WRITE_REG: the chip magic, the MAC efuse words, the
 * UART clock divider (40 MHz crystal), and the SPI flash controller's "user command" used to read the flash id
 * (esptool-js lib/esploader.js runSpiflashCommand: write SPI_CMD_REG with SPI_CMD_USR = bit 18, poll until the bit
 * clears, read SPI_W0_REG). Every other address reads 0 (guess: real registers hold other values that nothing here
 * depends on).
 */
import { CHIP_DETECT_MAGIC_REG, type ChipRom, FLASH_JEDEC_ID } from './chip-rom';

const SPI_CMD_USR = 1 << 18;
const SPIFLASH_RDID = 0x9f;
const XTAL_HZ = 40_000_000;

export class RegisterFile {
  private readonly values = new Map<number, number>();

  constructor(
    private readonly rom: ChipRom,
    mac: Uint8Array,
    baud: number,
  ) {
    this.values.set(CHIP_DETECT_MAGIC_REG, rom.magic);
    const [low, high] = rom.macRegs;
    // esptool-js readMac: mac[0..1] from the high word's low 16 bits, mac[2..5] from the low word, big-endian.
    this.values.set(
      low,
      (((mac[2] as number) << 24) |
        ((mac[3] as number) << 16) |
        ((mac[4] as number) << 8) |
        (mac[5] as number)) >>>
        0,
    );
    this.values.set(high, ((mac[0] as number) << 8) | (mac[1] as number));
    this.setBaud(baud);
  }

  /** The ROM's UART divider follows the baud rate: esptool estimates the crystal as baud x divider. */
  setBaud(baud: number): void {
    this.values.set(this.rom.uartClkdivReg, Math.round(XTAL_HZ / baud));
  }

  read(address: number): number {
    return this.values.get(address >>> 0) ?? 0;
  }

  write(address: number, value: number, mask: number): void {
    const at = address >>> 0;
    const merged = ((this.read(at) & ~mask) | (value & mask)) >>> 0;
    this.values.set(at, merged);
    if (at === this.rom.spiRegBase && merged & SPI_CMD_USR) this.runSpiUserCommand();
  }

  private runSpiUserCommand(): void {
    const base = this.rom.spiRegBase;
    // SPI_USR2_REG (command in the low bits) sits at +0x24 on ESP32 and +0x20 on S3/C3 (esptool-js targets).
    const usr2 = this.read(base + (this.rom.chip === 'esp32' ? 0x24 : 0x20));
    const command = usr2 & 0xffff;
    this.values.set(base + this.rom.spiW0Offset, command === SPIFLASH_RDID ? FLASH_JEDEC_ID : 0);
    this.values.set(base, this.read(base) & ~SPI_CMD_USR);
  }
}
