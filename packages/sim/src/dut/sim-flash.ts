/**
 * The DUT's flash chip and boot ROM as one hook for VirtualEsp32: download mode hands UART0 to the ROM serial
 * loader (../rom), a normal boot runs the bootloader's checks on what is in flash and yields the app's identity.
 * Without this (the default) the DUT boots its device model as before.
 */

import type { BoardId } from '@esphil/device-model';
import { type AppDescriptor, type ChipId, defaultFlashLayout, getBoard } from '@esphil/device-model';
import { bootFromFlash, CHIP_ROMS, type FlashBootResult, FlashModel, ROM_BAUD, RomLoader } from '../rom';

/** Inside the builder's app past its 24-byte header, DROM segment (descriptor) and the next segment header. */
const APP_FLIP_OFFSET = 600;

export interface SimFlashOptions {
  /** The flash contents; default a blank (erased) 4 MB chip. */
  model?: FlashModel;
  /** Station MAC the efuses report. Default 24:0a:c4:00:00:01 (an Espressif OUI). */
  mac?: Uint8Array;
}

export interface DownloadHooks {
  send(bytes: Uint8Array): void;
  setBaud(baud: number): void;
  runUserCode(): void;
}

export class SimFlash {
  readonly model: FlashModel;
  readonly chip: ChipId;
  private readonly mac: Uint8Array;
  private loader: RomLoader | null = null;
  /** True while the chip sits in download mode (the loader owns UART0). */
  private downloading = false;
  /** Identity of the app the last good boot started. */
  booted: AppDescriptor | null = null;

  constructor(board: BoardId, options: SimFlashOptions = {}) {
    this.model = options.model ?? new FlashModel();
    this.chip = getBoard(board)?.chip ?? 'esp32';
    this.mac = options.mac ?? Uint8Array.from([0x24, 0x0a, 0xc4, 0x00, 0x00, 0x01]);
  }

  /** The ROM serial loader of the current (or last) download-mode session. */
  get rom(): RomLoader | null {
    return this.loader;
  }

  enterDownload(hooks: DownloadHooks): void {
    hooks.setBaud(ROM_BAUD);
    this.loader = new RomLoader({ rom: CHIP_ROMS[this.chip], flash: this.model, mac: this.mac, ...hooks });
    this.downloading = true;
  }

  /** Bytes from the host while in download mode; false when no loader runs (the bytes are not for it). */
  feed(bytes: Uint8Array): boolean {
    if (!this.loader || !this.downloading) return false;
    this.loader.push(bytes);
    return true;
  }

  /**
   * A normal boot: the bootloader's checks on what flash holds. `readFault` (fault app-corrupt): it reads the app
   * slot with one bit flipped, as worn or disturbed flash would return it; the flash itself keeps what was written
   * (an MD5 read-back after writing passes).
   */
  boot(options: { readFault?: boolean } = {}): FlashBootResult {
    this.downloading = false;
    const result = bootFromFlash(options.readFault ? this.withFlippedAppBit() : this.model, this.chip);
    this.booted = result.ok ? result.app : null;
    return result;
  }

  /** A copy of flash with one bit flipped in the app's code segment (past the descriptor): its checksum fails. */
  private withFlippedAppBit(): FlashModel {
    const copy = new FlashModel(this.model.size);
    copy.bytes.set(this.model.bytes);
    const at = defaultFlashLayout(this.chip).app + APP_FLIP_OFFSET;
    copy.bytes[at] = (copy.bytes[at] as number) ^ 0x01;
    return copy;
  }
}
