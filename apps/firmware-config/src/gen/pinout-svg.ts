/**
 * Board pin map as SVG: the board's header pins in two columns, every configured pin coloured by role and
 * labelled with role and name. The same picture is the web editor's clickable pin map (interactive mode adds
 * button semantics) and the exported pinout.svg.
 */
import type { BoardProfile, Diagnostic, GpioInfo, LedcAssignment } from '@esphil/device-model';
import { assignmentsOf, drawnPins, type PinAssignment, type PinRole, ROLE_LABEL } from './roles';

export const PINOUT_FILE_NAME = 'pinout.svg';

export interface PinoutOptions {
  ledc?: readonly LedcAssignment[];
  /** Pins with an error get a red ring, warnings an amber one. */
  diagnostics?: readonly Diagnostic[];
  /** Adds role="button", tabindex and data-testid per pin (web editor). */
  interactive?: boolean;
  selected?: number | null;
}

export const ROLE_COLOR: Record<PinRole, string> = {
  led: '#d32f2f',
  pwm: '#7b1fa2',
  button: '#1565c0',
  sensor: '#2e7d32',
};
const FREE_COLOR = '#9e9e9e';
const BLOCKED_COLOR = '#424242';

const ROW = 28;
const TOP = 130;
const BOARD_X = 250;
const BOARD_W = 300;
const WIDTH = 800;

export function xmlEscape(s: string): string {
  return s.replace(/[<>&"']/g, (c) =>
    c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '&' ? '&amp;' : c === '"' ? '&quot;' : '&apos;',
  );
}

function pinNote(g: GpioInfo): string[] {
  const notes: string[] = [];
  if (g.flash) notes.push('SPI flash (unusable)');
  if (g.psram) notes.push('PSRAM (unusable)');
  if (!g.output && g.input) notes.push('input only');
  if (g.strapping) notes.push(`strapping: ${g.strapping}`);
  if (g.uart0) notes.push(`UART0 ${g.uart0}`);
  if (g.usb) notes.push(`USB ${g.usb}`);
  if (g.adc) notes.push(`ADC${g.adc.unit}_CH${g.adc.channel}`);
  if (!g.exposed) notes.push('not on the headers');
  if (g.note) notes.push(g.note);
  return notes;
}

/** What fits beside a free pin; the full story is in its tooltip. */
function shortNotes(g: GpioInfo): string {
  const notes: string[] = [];
  if (g.flash) notes.push('flash');
  if (g.psram) notes.push('PSRAM');
  if (!g.output && g.input) notes.push('input only');
  if (g.strapping) notes.push('strapping');
  if (g.uart0) notes.push(`UART0 ${g.uart0}`);
  if (g.usb) notes.push(`USB ${g.usb}`);
  if (g.adc) notes.push(`ADC${g.adc.unit}_CH${g.adc.channel}`);
  return notes.join(', ');
}

function roleText(a: PinAssignment, ledc: readonly LedcAssignment[] | undefined): string {
  const slot = a.role === 'pwm' ? ledc?.find((x) => x.name === a.name && x.pin === a.gpio) : undefined;
  const extra = slot ? ` ch${slot.channel}/t${slot.timer}` : '';
  return `${ROLE_LABEL[a.role]} ${a.name}${extra}`;
}

export function pinoutSvg(board: BoardProfile, config: unknown, opts: PinoutOptions = {}): string {
  const assigned = assignmentsOf(config);
  const byGpio = new Map<number, PinAssignment[]>();
  for (const a of assigned) byGpio.set(a.gpio, [...(byGpio.get(a.gpio) ?? []), a]);
  const severity = new Map<number, 'error' | 'warning'>();
  for (const d of opts.diagnostics ?? []) {
    if (d.pin === undefined) continue;
    if (d.severity === 'error' || !severity.has(d.pin)) severity.set(d.pin, d.severity);
  }
  const pins = drawnPins(board, assigned);
  const perSide = Math.ceil(pins.length / 2);
  const height = TOP + perSide * ROW + 80;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img" aria-labelledby="pinout-title" font-family="system-ui, sans-serif" font-size="12">`,
    `<title id="pinout-title">${xmlEscape(`${board.name} pin map`)}</title>`,
    '<style>.pin text{pointer-events:none}.pin[role=button]{cursor:pointer}.pin[role=button]:focus{outline:none}.pin[role=button]:focus circle.dot,.pin.selected circle.dot{stroke:#ff9800;stroke-width:3}</style>',
    `<rect x="0" y="0" width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    `<text x="${WIDTH / 2}" y="24" text-anchor="middle" font-size="16" font-weight="bold">${xmlEscape(board.name)}</text>`,
    `<text x="${WIDTH / 2}" y="42" text-anchor="middle" fill="#555">${xmlEscape(`${board.chip} · ${board.module}`)}</text>`,
    // The board outline, with the module drawn above the pin rows so its name never covers a pin label.
    `<rect x="${BOARD_X}" y="${TOP - 70}" width="${BOARD_W}" height="${perSide * ROW + 66}" rx="10" fill="#263238" stroke="#102027"/>`,
    `<rect x="${BOARD_X + 40}" y="${TOP - 60}" width="${BOARD_W - 80}" height="44" rx="4" fill="#b0bec5" stroke="#78909c"/>`,
    `<text x="${WIDTH / 2}" y="${TOP - 34}" text-anchor="middle" fill="#263238" font-size="11">${xmlEscape(board.module)}</text>`,
  );
  pins.forEach((g, i) => {
    const left = i < perSide;
    const row = left ? i : i - perSide;
    const y = TOP + row * ROW + 14;
    const cx = left ? BOARD_X + 16 : BOARD_X + BOARD_W - 16;
    const here = byGpio.get(g.gpio) ?? [];
    const first = here[0];
    const blocked = g.flash || g.psram;
    const color = first ? ROLE_COLOR[first.role] : blocked ? BLOCKED_COLOR : FREE_COLOR;
    const label = here.map((a) => roleText(a, opts.ledc)).join(' + ');
    const notes = pinNote(g);
    const sev = severity.get(g.gpio);
    const desc = `GPIO${g.gpio}${label ? `: ${label}` : ': free'}${notes.length ? ` (${notes.join(', ')})` : ''}`;
    const attrs = [
      `class="pin${first ? ` pin-role-${first.role}` : ' pin-free'}${sev ? ` pin-${sev}` : ''}${opts.selected === g.gpio ? ' selected' : ''}"`,
      `data-gpio="${g.gpio}"`,
      first ? `data-role="${first.role}" data-name="${xmlEscape(first.name)}"` : '',
      opts.interactive
        ? `data-testid="pin-${g.gpio}" role="button" tabindex="0" aria-label="${xmlEscape(desc)}"${opts.selected === g.gpio ? ' aria-pressed="true"' : ''}`
        : '',
    ]
      .filter(Boolean)
      .join(' ');
    out.push(`<g ${attrs}>`, `<title>${xmlEscape(desc)}</title>`);
    // Hit area covering the label makes small pins easy to click.
    out.push(
      `<rect x="${left ? 0 : BOARD_X + BOARD_W - 30}" y="${y - ROW / 2}" width="${BOARD_X + 30}" height="${ROW}" fill="transparent"/>`,
    );
    if (sev) {
      out.push(
        `<circle cx="${cx}" cy="${y}" r="11" fill="none" stroke="${sev === 'error' ? '#ff1744' : '#ffab00'}" stroke-width="3"/>`,
      );
    }
    out.push(
      `<circle class="dot" cx="${cx}" cy="${y}" r="7" fill="${color}" stroke="#fff" stroke-width="1.5"/>`,
    );
    if (blocked) {
      out.push(
        `<path d="M${cx - 4} ${y - 4}L${cx + 4} ${y + 4}M${cx + 4} ${y - 4}L${cx - 4} ${y + 4}" stroke="#fff" stroke-width="1.5"/>`,
      );
    }
    const inner = left ? cx + 14 : cx - 14;
    out.push(
      `<text x="${inner}" y="${y + 4}" fill="#fff" text-anchor="${left ? 'start' : 'end'}">GPIO${g.gpio}</text>`,
    );
    const outer = left ? BOARD_X - 12 : BOARD_X + BOARD_W + 12;
    if (label) {
      out.push(
        `<line x1="${left ? BOARD_X : BOARD_X + BOARD_W}" y1="${y}" x2="${outer + (left ? 6 : -6)}" y2="${y}" stroke="${color}" stroke-width="2"/>`,
        `<text class="role-label" x="${outer}" y="${y + 4}" text-anchor="${left ? 'end' : 'start'}" fill="${color}" font-weight="bold">${xmlEscape(label)}</text>`,
      );
    } else {
      const short = shortNotes(g);
      if (short) {
        out.push(
          `<text x="${outer}" y="${y + 4}" text-anchor="${left ? 'end' : 'start'}" fill="#777" font-size="10">${xmlEscape(short)}</text>`,
        );
      }
    }
    out.push('</g>');
  });
  const legendY = TOP + perSide * ROW + 40;
  const legend: [string, string][] = [
    ...(Object.keys(ROLE_COLOR) as PinRole[]).map((r): [string, string] => [ROLE_COLOR[r], ROLE_LABEL[r]]),
    [FREE_COLOR, 'free'],
    [BLOCKED_COLOR, 'unusable'],
  ];
  legend.forEach(([color, text], i) => {
    const x = 120 + i * 95;
    out.push(
      `<circle cx="${x}" cy="${legendY}" r="6" fill="${color}"/>`,
      `<text x="${x + 10}" y="${legendY + 4}">${xmlEscape(text)}</text>`,
    );
  });
  const unplaced = assigned.filter((a) => !pins.some((g) => g.gpio === a.gpio));
  if (unplaced.length > 0) {
    out.push(
      `<text x="${WIDTH / 2}" y="${legendY + 30}" text-anchor="middle" fill="#d32f2f">${xmlEscape(
        `Not on this chip: ${unplaced.map((a) => `GPIO${a.gpio} (${ROLE_LABEL[a.role]} ${a.name})`).join(', ')}`,
      )}</text>`,
    );
  }
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
