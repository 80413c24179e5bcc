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
