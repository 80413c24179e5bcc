/**
 * Configure page: board picker, clickable pin map, per-pin role editor, a config text editor, live diagnostics
 * from the device-model validator (pure TS, runs here), export of the generated files and import of a config.
 */
import {
  allocateLedc,
  BOARD_IDS,
  BOARDS,
  type BoardId,
  type DeviceConfig,
  type Diagnostic,
  getBoard,
  starterConfig,
  validateConfig,
} from '@esphil/device-model';
import { parseConfigText } from '../config/parse';
import { generateArtifacts } from '../gen/artifacts';
import { HEADER_FILE_NAME } from '../gen/header';
import { MANIFEST_FILE_NAME } from '../gen/manifest';
import { PINOUT_FILE_NAME, pinoutSvg } from '../gen/pinout-svg';
import { assignmentsOf, assignPin, type PinRole, ROLE_LABEL, rolesForPin } from '../gen/roles';
import { download, h } from './dom';

interface State {
  config: DeviceConfig;
  selected: number | null;
  syntaxError: string | null;
}

const isConfigObject = (v: unknown): v is DeviceConfig =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export function mountConfigure(root: HTMLElement): void {
  const state: State = { config: starterConfig('esp32-doit-devkit-v1'), selected: null, syntaxError: null };

  const boardSelect = h(
    'select',
    { id: 'board', 'data-testid': 'board-select' },
    ...BOARD_IDS.map((id) => h('option', { value: id, text: BOARDS[id].name })),
  );
  const coreSelect = h(
    'select',
    { id: 'core', 'data-testid': 'core-select' },
    h('option', { value: '3.x', text: 'arduino-esp32 3.x' }),
    h('option', { value: '2.x', text: 'arduino-esp32 2.x' }),
  );
  const wifiBox = h('input', { id: 'wifi', type: 'checkbox', 'data-testid': 'wifi-toggle', checked: true });
  const importInput = h('input', {
    id: 'import',
    type: 'file',
    accept: '.json,.yaml,.yml,application/json,text/yaml',
    'data-testid': 'import-file',
  });
  const exportHeader = h('button', {
    type: 'button',
    'data-testid': 'export-header',
    text: `Export ${HEADER_FILE_NAME}`,
  });
  const exportManifest = h('button', {
    type: 'button',
    'data-testid': 'export-manifest',
    text: `Export ${MANIFEST_FILE_NAME}`,
  });
  const exportSvg = h('button', {
    type: 'button',
    'data-testid': 'export-svg',
    text: `Export ${PINOUT_FILE_NAME}`,
  });
  const exportNote = h('span', { class: 'note', 'data-testid': 'export-note', role: 'status' });
  const pinMap = h('div', { class: 'pinmap', 'data-testid': 'pinmap' });
  const panel = h('div', { class: 'pin-panel', 'data-testid': 'pin-panel', 'aria-live': 'polite' });
  const diagSummary = h('p', { 'data-testid': 'diag-summary', role: 'status' });
  const diagList = h('ul', {
    class: 'diagnostics',
    'data-testid': 'diagnostics',
    'aria-label': 'Diagnostics',
  });
  const editor = h('textarea', {
    id: 'config-text',
    'data-testid': 'config-editor',
    spellcheck: 'false',
    rows: 18,
  });

  root.append(
    h('h2', { id: 'configure-title', text: 'Configure' }),
    h(
      'div',
      { class: 'toolbar' },
      h('label', { for: 'board', text: 'Board ' }),
      boardSelect,
      h('label', { for: 'core', text: 'Core ' }),
      coreSelect,
      h('label', { for: 'wifi' }, wifiBox, ' WiFi on'),
      h('label', { for: 'import', class: 'import', text: 'Import config ' }),
      importInput,
    ),
    h(
      'div',
      { class: 'configure-grid' },
      h('div', {}, h('h3', { text: 'Pin map' }), pinMap),
      h(
        'div',
        {},
        h('h3', { text: 'Selected pin' }),
        panel,
        h('h3', { text: 'Diagnostics' }),
        diagSummary,
        diagList,
        h('h3', { text: 'Export' }),
        h('div', { class: 'toolbar' }, exportHeader, exportManifest, exportSvg),
        exportNote,
      ),
    ),
    h(
      'h3',
      {},
      h('label', { for: 'config-text', text: 'Configuration (JSON or YAML; edits validate as you type)' }),
    ),
    editor,
  );

  const diagnostics = (): Diagnostic[] => validateConfig(state.config).diagnostics;

  /** Channel labels for the map; a half-typed config may not even resolve, and then the map just has none. */
  function ledcLabels() {
    try {
      return allocateLedc(state.config, state.config.core ?? '3.x').assignments;
    } catch {
      return [];
    }
  }

  function renderPinMap(diags: Diagnostic[]): void {
    const board = getBoard(state.config.board);
    if (!board) {
      pinMap.textContent = `Unknown board '${String(state.config.board)}': pick one above.`;
      return;
    }
    pinMap.innerHTML = pinoutSvg(board, state.config, {
      interactive: true,
      diagnostics: diags,
      selected: state.selected,
      ledc: ledcLabels(),
    });
  }

  function renderPanel(): void {
    panel.replaceChildren();
    const board = getBoard(state.config.board);
    const gpio = state.selected;
    if (gpio === null || !board) {
      panel.append(h('p', { class: 'note', text: 'Click a pin on the map to give it a role.' }));
      return;
    }
    const info = board.gpios.find((g) => g.gpio === gpio);
    const current = assignmentsOf(state.config).find((a) => a.gpio === gpio);
    const allowed = info ? rolesForPin(info, { wifi: state.config.wifi !== false }) : [];
    const roles: PinRole[] =
      current && !allowed.includes(current.role) ? [...allowed, current.role] : allowed;
    panel.append(h('h4', { 'data-testid': 'pin-title', text: `GPIO${gpio}` }));
    if (roles.length === 0) {
      panel.append(
        h('p', { 'data-testid': 'pin-unusable', text: 'This pin cannot take any role on this board.' }),
      );
      return;
    }
    const roleSelect = h(
      'select',
      { id: 'pin-role', 'data-testid': 'role-select' },
      h('option', { value: '', text: 'none' }),
      ...roles.map((r) => h('option', { value: r, text: ROLE_LABEL[r], selected: current?.role === r })),
    );
    const nameInput = h('input', {
      id: 'pin-name',
      'data-testid': 'pin-name',
      value: current?.name ?? '',
      placeholder: 'name, e.g. status',
      maxlength: 16,
    });
    roleSelect.addEventListener('change', () => {
      const role = (roleSelect.value || null) as PinRole | null;
      update(assignPin(state.config, gpio, role, nameInput.value), 'form');
    });
    nameInput.addEventListener('change', () => {
      if (current) update(assignPin(state.config, gpio, current.role, nameInput.value), 'form');
    });
    panel.append(
      h('label', { for: 'pin-role', text: 'Role ' }),
      roleSelect,
      h('label', { for: 'pin-name', text: ' Name ' }),
      nameInput,
    );
    if (current?.role === 'pwm') {
      const entry = state.config.pwm?.find((p) => p.pin === gpio);
      const freq = h('input', {
        id: 'pwm-freq',
        type: 'number',
        min: 1,
        value: entry?.freq ?? 5000,
        'data-testid': 'pwm-freq',
      });
      const bits = h('input', {
        id: 'pwm-bits',
        type: 'number',
        min: 1,
        max: 20,
        value: entry?.bits ?? 8,
        'data-testid': 'pwm-bits',
      });
      const apply = () => {
        const pwm = (state.config.pwm ?? []).map((p) =>
          p.pin === gpio ? { ...p, freq: Number(freq.value), bits: Number(bits.value) } : p,
        );
        update({ ...state.config, pwm }, 'form');
      };
      freq.addEventListener('change', apply);
      bits.addEventListener('change', apply);
      panel.append(
        h('div', {}, h('label', { for: 'pwm-freq', text: 'Frequency (Hz) ' }), freq),
        h('div', {}, h('label', { for: 'pwm-bits', text: 'Resolution (bits) ' }), bits),
      );
    }
    if (info) {
      const notes = [
        info.strapping && `strapping: ${info.strapping}`,
        !info.output && 'input only',
        info.adc && `ADC${info.adc.unit} channel ${info.adc.channel}`,
        info.note,
      ].filter(Boolean);
      if (notes.length) panel.append(h('p', { class: 'note', text: notes.join(' · ') }));
    }
  }

  function renderDiagnostics(diags: Diagnostic[]): void {
    diagList.replaceChildren();
    if (state.syntaxError) {
      diagSummary.textContent = 'Syntax error: the editor text is not valid JSON/YAML.';
      diagList.append(
        h('li', {
          class: 'error',
          'data-testid': 'syntax-error',
          'data-severity': 'error',
          text: state.syntaxError,
        }),
      );
      return;
    }
    const errors = diags.filter((d) => d.severity === 'error').length;
    diagSummary.textContent =
      diags.length === 0 ? 'No problems.' : `${errors} error(s), ${diags.length - errors} warning(s)`;
    for (const d of diags) {
      diagList.append(
        h(
          'li',
          {
            class: d.severity,
            'data-testid': 'diagnostic',
            'data-code': d.code,
            'data-severity': d.severity,
          },
          h('strong', { text: `${d.severity} ` }),
          h('code', { text: d.path || '(config)' }),
          d.pin === undefined ? '' : ` GPIO${d.pin}`,
          ` ${d.code}: ${d.message}`,
          h('div', { class: 'hint', text: `hint: ${d.hint}` }),
        ),
      );
    }
  }

  function renderExports(diags: Diagnostic[]): void {
    const blocked = state.syntaxError !== null || diags.some((d) => d.severity === 'error');
    for (const b of [exportHeader, exportManifest, exportSvg]) b.disabled = blocked;
    exportNote.textContent = blocked ? 'Fix the errors to export.' : '';
  }

  function render(): void {
    const diags = state.syntaxError ? [] : diagnostics();
    if (BOARD_IDS.includes(state.config.board as BoardId)) boardSelect.value = state.config.board;
    coreSelect.value = state.config.core ?? '3.x';
    wifiBox.checked = state.config.wifi !== false;
    renderPinMap(diags);
    renderPanel();
    renderDiagnostics(diags);
    renderExports(diags);
  }

  /** `from` = where the change came from: the editor keeps the user's text, anything else rewrites it. */
  function update(config: DeviceConfig, from: 'form' | 'editor'): void {
    state.config = config;
    state.syntaxError = null;
    if (from !== 'editor') editor.value = `${JSON.stringify(config, null, 2)}\n`;
    render();
  }

  function loadText(text: string, fileName?: string): void {
    const parsed = parseConfigText(text, fileName === undefined ? {} : { fileName });
    if (!parsed.ok) {
      state.syntaxError = parsed.error.message;
      render();
      return;
    }
    if (!isConfigObject(parsed.value)) {
      state.syntaxError = 'The configuration must be an object (version, board, leds, ...).';
      render();
      return;
    }
    update(parsed.value, 'editor');
  }

  pinMap.addEventListener('click', (e) => {
    const pin = (e.target as Element).closest('[data-gpio]');
    if (!pin) return;
    state.selected = Number(pin.getAttribute('data-gpio'));
    render();
    (panel.querySelector('[data-testid="role-select"]') as HTMLElement | null)?.focus();
  });
  pinMap.addEventListener('keydown', (e) => {
    if (e.key !== 'Enter' && e.key !== ' ') return;
    const pin = (e.target as Element).closest('[data-gpio]');
    if (!pin) return;
    e.preventDefault();
    state.selected = Number(pin.getAttribute('data-gpio'));
    render();
  });
  boardSelect.addEventListener('change', () => {
    state.selected = null;
    update({ ...starterConfig(boardSelect.value as BoardId), core: state.config.core ?? '3.x' }, 'form');
  });
  coreSelect.addEventListener('change', () =>
    update({ ...state.config, core: coreSelect.value as '2.x' | '3.x' }, 'form'),
  );
  wifiBox.addEventListener('change', () => update({ ...state.config, wifi: wifiBox.checked }, 'form'));
  editor.addEventListener('input', () => loadText(editor.value));
  importInput.addEventListener('change', async () => {
    const file = importInput.files?.[0];
    if (!file) return;
    const text = await file.text();
    editor.value = text;
    loadText(text, file.name);
  });

  const exportFile = (name: 'header' | 'manifest' | 'svg') => {
    const r = generateArtifacts(state.config);
    if (!r.ok) {
      exportNote.textContent = 'Fix the errors to export.';
      return;
    }
    if (name === 'header') download(HEADER_FILE_NAME, r.files[HEADER_FILE_NAME], 'text/x-c');
    if (name === 'manifest') download(MANIFEST_FILE_NAME, r.files[MANIFEST_FILE_NAME], 'application/json');
    if (name === 'svg') download(PINOUT_FILE_NAME, r.files[PINOUT_FILE_NAME], 'image/svg+xml');
    exportNote.textContent = `Downloaded ${name === 'header' ? HEADER_FILE_NAME : name === 'manifest' ? MANIFEST_FILE_NAME : PINOUT_FILE_NAME}.`;
  };
  exportHeader.addEventListener('click', () => exportFile('header'));
  exportManifest.addEventListener('click', () => exportFile('manifest'));
  exportSvg.addEventListener('click', () => exportFile('svg'));

  update(state.config, 'form');
}
