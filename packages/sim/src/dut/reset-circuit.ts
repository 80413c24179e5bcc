/**
 * The dev-board auto-reset circuit (two transistors): RTS drives EN, DTR drives GPIO0, both active low,
 * cross-coupled so that asserting both (the state most hosts open a port in) resets nothing.
 * `true` = the host asserted the line (serialport `set({ dtr: true })`).
 */
export interface ControlLines {
  dtr: boolean;
  rts: boolean;
}

export interface StrapLevels {
  /** EN (CHIP_PU): false holds the chip in reset; a low->high edge starts a boot. */
  en: boolean;
  /** GPIO0 level: false at EN release selects ROM download mode. */
  gpio0: boolean;
}

export function strapLevels({ dtr, rts }: ControlLines): StrapLevels {
  return { en: !(rts && !dtr), gpio0: !(dtr && !rts) };
}

/**
 * How long after the host releases EN the chip really leaves reset and latches GPIO0. Dev boards put an RC on EN
 * (a pull-up and a capacitor to ground: the reason esptool needs its 50/550 ms variants, esptool-facts.md), so a
 * line state shorter than this does not start a boot. esptool's ClassicReset depends on it: writing one line at a
 * time it passes through DTR=1 RTS=1 (EN released, GPIO0 high) for one write before RTS=0 pulls GPIO0 low
 * (esptool v5.1.0 reset.py:102-103). The value is a guess (the board's RC is not in our sources), kept well below
 * esptool's 50 ms boot hold so every esptool sequence still lands where it does on hardware.
 */
export const EN_RELEASE_MS = 2;
