/** The command every round-trip variant sends: led.set on the default sim config's LED, toggling. */
export const LED = 'status';

export function ledSetFrame(id: number, on: boolean): string {
  return JSON.stringify({ id, op: 'led.set', led: LED, on });
}
