/**
 * Live page: connect to a device (or the simulator), mirror its state, toggle LEDs, drive PWM, chart sensors,
 * show the device log and round-trip latency. Reconnects are the client's; this page says when they happen.
 */
import { connect, type DeviceClient } from '@esphil/client';
import type { Capabilities } from '@esphil/protocol';
import { SensorChart } from './chart';
import { h } from './dom';

export const DEFAULT_DEVICE_URL = 'ws://localhost:8081/';
export const PING_INTERVAL_MS = 2000;
export const MAX_LOG_LINES = 200;
/** Sensor subscription rate: enough for a smooth chart, well under every sensor's maxHz default. */
export const CHART_HZ = 10;

export interface LiveOptions {
  /** Initial URL for the input (the dev server passes its simulator's). */
  defaultUrl: string;
  /** Connect to defaultUrl at once (the page a device serves knows its board). */
  autoConnect?: boolean;
}

export function mountLive(root: HTMLElement, opts: LiveOptions): void {
  let client: DeviceClient | null = null;
  let pingTimer: ReturnType<typeof setInterval> | null = null;
  const offs: (() => void)[] = [];

  const urlInput = h('input', {
    id: 'device-url',
    'data-testid': 'device-url',
    value: opts.defaultUrl,
    size: 32,
  });
  const connectBtn = h('button', { type: 'submit', 'data-testid': 'connect', text: 'Connect' });
  const disconnectBtn = h('button', {
    type: 'button',
    'data-testid': 'disconnect',
    text: 'Disconnect',
    disabled: true,
  });
  const status = h('p', {
    role: 'status',
    'data-testid': 'conn-status',
    class: 'status',
    text: 'disconnected',
  });
  const info = h('p', { 'data-testid': 'device-info', class: 'note' });
  const latency = h('p', { 'data-testid': 'latency', text: 'latency: –' });
  const leds = h('div', { class: 'controls', 'data-testid': 'leds' });
  const pwms = h('div', { class: 'controls', 'data-testid': 'pwms' });
  const buttons = h('div', { class: 'controls', 'data-testid': 'buttons' });
  const sensorValues = h('div', { class: 'controls', 'data-testid': 'sensor-values' });
  const canvas = h('canvas', {
    width: 640,
    height: 220,
    'data-testid': 'sensor-chart',
    role: 'img',
    'aria-label': 'Sensor chart: no values yet',
  });
  const chart = new SensorChart(canvas);
  const log = h('ol', {
    class: 'log',
    'data-testid': 'device-log',
    'aria-label': 'Device log',
    'aria-live': 'polite',
  });
  const form = h(
    'form',
    { class: 'toolbar' },
    h('label', { for: 'device-url', text: 'Device URL ' }),
    urlInput,
    connectBtn,
    disconnectBtn,
  );

  root.append(
    h('h2', { id: 'live-title', text: 'Live' }),
    form,
    status,
    info,
    latency,
    h(
      'div',
      { class: 'live-grid' },
      h(
        'div',
        {},
        h('h3', { text: 'LEDs' }),
        leds,
        h('h3', { text: 'PWM' }),
        pwms,
        h('h3', { text: 'Buttons' }),
        buttons,
      ),
      h('div', {}, h('h3', { text: 'Sensors' }), sensorValues, canvas),
    ),
    h('h3', { text: 'Device log' }),
    log,
  );

  function addLog(text: string, cls = ''): void {
    const time = new Date().toLocaleTimeString();
    log.prepend(h('li', { class: cls, text: `${time} ${text}` }));
    while (log.childElementCount > MAX_LOG_LINES) log.lastElementChild?.remove();
  }

  function setStatus(text: string, state: string): void {
    status.textContent = text;
    status.dataset.state = state;
  }

  function renderLed(name: string, on: boolean): void {
    const b = leds.querySelector<HTMLButtonElement>(`[data-testid="led-${CSS.escape(name)}"]`);
    if (!b) return;
    b.setAttribute('aria-pressed', String(on));
    b.textContent = `${name}: ${on ? 'ON' : 'OFF'}`;
  }

  function renderPwm(name: string, duty: number, bits: number): void {
    const slider = pwms.querySelector<HTMLInputElement>(`[data-testid="pwm-${CSS.escape(name)}"]`);
    const out = pwms.querySelector<HTMLOutputElement>(`[data-testid="pwm-${CSS.escape(name)}-value"]`);
    const max = 2 ** bits - 1;
    const pct = max > 0 ? (duty / max) * 100 : 0;
    if (slider && document.activeElement !== slider) slider.value = String(Math.round(pct));
    if (out) out.textContent = `${pct.toFixed(1)} % (raw ${duty}/${max})`;
  }

  function renderButton(name: string, pressed: boolean): void {
    const el = buttons.querySelector(`[data-testid="button-${CSS.escape(name)}"]`);
    if (el) el.textContent = `${name}: ${pressed ? 'pressed' : 'released'}`;
  }

  function build(dev: DeviceClient, caps: Capabilities): void {
    leds.replaceChildren();
    pwms.replaceChildren();
    buttons.replaceChildren();
    sensorValues.replaceChildren();
    for (const l of caps.leds) {
      const b = h('button', {
        type: 'button',
        'data-testid': `led-${l.name}`,
        'aria-pressed': 'false',
        title: `GPIO${l.pin}`,
      });
      b.addEventListener('click', () => {
        dev
          .ledToggle(l.name)
          .catch((e: unknown) => addLog(`led.toggle ${l.name} failed: ${String(e)}`, 'error'));
      });
      leds.append(b);
      renderLed(l.name, dev.state.leds[l.name] ?? false);
    }
    for (const p of caps.pwm) {
      const id = `pwm-input-${p.name}`;
      const slider = h('input', {
        id,
        type: 'range',
        min: 0,
        max: 100,
        step: 1,
        value: 0,
        'data-testid': `pwm-${p.name}`,
      });
      const out = h('output', { for: id, 'data-testid': `pwm-${p.name}-value` });
      // One request in flight per channel; the latest slider value wins.
      let sending = false;
      let wanted: number | null = null;
      const send = async () => {
        if (sending || wanted === null) return;
        sending = true;
        const duty = wanted / 100;
        wanted = null;
        try {
          await dev.pwmSet(p.name, { duty });
        } catch (e) {
          addLog(`pwm.set ${p.name} failed: ${String(e)}`, 'error');
        } finally {
          sending = false;
          void send();
        }
      };
      slider.addEventListener('input', () => {
        wanted = Number(slider.value);
        void send();
      });
      pwms.append(
        h(
          'div',
          {},
          h('label', { for: id, text: `${p.name} (GPIO${p.pin}, ${p.freq} Hz) ` }),
          slider,
          ' ',
          out,
        ),
      );
      const st = dev.state.pwm[p.name];
      renderPwm(p.name, st?.duty ?? 0, st?.bits ?? p.bits);
    }
    for (const b of caps.buttons) {
      buttons.append(h('p', { 'data-testid': `button-${b.name}` }));
      renderButton(b.name, dev.state.buttons[b.name] ?? false);
    }
    chart.reset(caps.sensors.map((s) => s.name));
    for (const s of caps.sensors) {
      sensorValues.append(h('p', { 'data-testid': `sensor-${s.name}-value`, text: `${s.name}: –` }));
      dev
        .subscribeSensor(s.name, Math.min(CHART_HZ, s.maxHz))
        .catch((e: unknown) => addLog(`subscribe ${s.name} failed: ${String(e)}`, 'error'));
    }
    if (caps.leds.length === 0) leds.append(h('p', { class: 'note', text: 'No LEDs.' }));
    if (caps.pwm.length === 0) pwms.append(h('p', { class: 'note', text: 'No PWM outputs.' }));
  }

  async function doConnect(): Promise<void> {
    await doDisconnect();
    const url = urlInput.value.trim();
    setStatus(`connecting to ${url}…`, 'connecting');
    connectBtn.disabled = true;
    let dev: DeviceClient;
    try {
      dev = await connect(url, {
        reconnect: { initialDelayMs: 250, maxDelayMs: 5000, factor: 2, jitter: 'full' },
      });
    } catch (e) {
      connectBtn.disabled = false;
      setStatus(`could not connect: ${e instanceof Error ? e.message : String(e)}`, 'failed');
      return;
    }
    client = dev;
    disconnectBtn.disabled = false;
    connectBtn.disabled = false;
    setStatus(`connected to ${dev.hello.device}`, 'open');
    info.textContent = `${dev.hello.board} · firmware ${dev.hello.fw} · boot ${dev.hello.boot}`;
    addLog(`connected to ${url}`);
    build(dev, dev.caps);
    offs.push(
      dev.on('led', (e) => renderLed(e.led, e.on)),
      dev.on('pwm', (e) => renderPwm(e.ch, e.duty, e.bits)),
      dev.on('button', (e) => renderButton(e.button, e.pressed)),
      dev.on('sensor', (e) => {
        chart.push(e.sensor, e.value);
        const el = sensorValues.querySelector(`[data-testid="sensor-${CSS.escape(e.sensor)}-value"]`);
        const unit = dev.caps.sensors.find((s) => s.name === e.sensor)?.unit ?? '';
        if (el) {
          el.textContent = `${e.sensor}: ${Number(e.value.toPrecision(4))} ${unit} (raw ${e.raw})`;
          el.setAttribute('data-count', String(chart.points(e.sensor)));
        }
        canvas.setAttribute('aria-label', `Sensor chart: ${e.sensor} = ${e.value}`);
      }),
      dev.on('log', (e) => addLog(`[${e.level}] ${e.msg}`, e.level)),
      dev.on('disconnected', (e) => {
        setStatus(
          `connection lost (${e.code}${e.reason ? ` ${e.reason}` : ''}); reconnecting…`,
          'reconnecting',
        );
        addLog('connection lost', 'warn');
      }),
      dev.on('reconnecting', (e) => {
        setStatus(
          `reconnecting (attempt ${e.attempt}, next try in ${Math.round(e.delayMs)} ms)…`,
          'reconnecting',
        );
      }),
      dev.on('reconnected', (e) => {
        setStatus(
          `reconnected after ${Math.round(e.missed.downtimeMs)} ms${e.rebooted ? ' (the device rebooted)' : ''}`,
          'open',
        );
        addLog(`reconnected; ${e.missed.changes.length} change(s) while away`);
        build(dev, dev.caps);
      }),
      dev.on('gap', (e) => addLog(`missed events: expected #${e.expected}, got #${e.got}`, 'warn')),
      dev.on('closed', (e) => {
        setStatus(`closed: ${e.message}`, 'closed');
        stopPing();
      }),
    );
    pingTimer = setInterval(() => {
      const t0 = performance.now();
      dev.ping().then(
        () => {
          latency.textContent = `latency: ${(performance.now() - t0).toFixed(1)} ms round trip`;
          latency.dataset.ms = String(performance.now() - t0);
        },
        () => {
          latency.textContent = 'latency: no answer';
        },
      );
    }, PING_INTERVAL_MS);
  }

  function stopPing(): void {
    if (pingTimer !== null) clearInterval(pingTimer);
    pingTimer = null;
  }

  async function doDisconnect(): Promise<void> {
    stopPing();
    for (const off of offs.splice(0)) off();
    const c = client;
    client = null;
    disconnectBtn.disabled = true;
    if (c) {
      await c.close();
      setStatus('disconnected', 'closed');
      addLog('disconnected');
    }
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void doConnect();
  });
  disconnectBtn.addEventListener('click', () => void doDisconnect());
  if (opts.autoConnect) void doConnect();
}
