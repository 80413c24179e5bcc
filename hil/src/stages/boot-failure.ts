import type { SerialConsole } from '@esphil/serial';
import { HilError } from '../errors';

/**
 * Lines after which no app starts: the ESP-IDF 2nd-stage bootloader's last words (bootloader_utility.c "No bootable
 * app partitions in the partition table", "Failed to verify partition table") and the ESP32 ROM's answer to a bad
 * bootloader image ("invalid header: 0x%08x", as users report it; a guess at its exact form, like the sim's). On
 * hardware the bootloader then resets and loops, so waiting for the ready line would only end at the timeout.
 */
const FATAL = [
  /No bootable app partitions in the partition table/,
  /Failed to verify partition table/,
  /^invalid header: 0x[0-9a-f]{8}/,
];
/** The bootloader's error lines before it (esp_image "Checksum failed...", "Image hash failed..."): the why. */
const ERROR_LINE = /^E \(\d+\) /;
/** Error lines quoted in the message. */
const MAX_QUOTED = 4;

function failure(lines: readonly string[]): HilError | null {
  const fatal = lines.findIndex((l) => FATAL.some((re) => re.test(l)));
  if (fatal < 0) return null;
  const why = lines
    .slice(0, fatal)
    .filter((l) => ERROR_LINE.test(l))
    .slice(-MAX_QUOTED);
  return new HilError(
    'boot_failed',
    `the bootloader refused what is in flash:\n  ${[...why, lines[fatal]].join('\n  ')}`,
    'the image in flash is corrupt or does not fit the board (chip, partition table): rebuild and flash it again; the whole boot log is in the report (serial log)',
  );
}

/**
 * Rejects with HilError('boot_failed') as soon as the console shows a fatal bootloader line after `since`; stop()
 * detaches it.
 */
export function watchBootFailure(
  console: SerialConsole,
  since: number,
): { failed: Promise<never>; stop: () => void } {
  let off = () => {};
  const failed = new Promise<never>((_, reject) => {
    const check = () => {
      const error = failure(console.entries(since).map((e) => e.text));
      if (error) {
        off();
        reject(error);
      }
    };
    // Only a fatal line needs the whole log read back.
    off = console.on('item', () => {
      const last = console.entries(console.mark() - 1)[0]?.text ?? '';
      if (FATAL.some((re) => re.test(last))) check();
    });
    check();
  });
  failed.catch(() => {});
  return { failed, stop: () => off() };
}
