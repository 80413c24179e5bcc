/** A small live line chart on a canvas (no chart library): one series per sensor, auto-scaled y. */

export const DEFAULT_CHART_POINTS = 300;
/** Room for the y-axis labels. */
const LEFT = 64;
const axisLabel = (v: number): string =>
  Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-2)
    ? v.toExponential(2)
    : String(Number(v.toPrecision(4)));
const COLORS = ['#2e7d32', '#1565c0', '#d32f2f', '#7b1fa2', '#ef6c00', '#00838f'];

export class SensorChart {
  readonly canvas: HTMLCanvasElement;
  private readonly series = new Map<string, number[]>();
  private readonly maxPoints: number;
  private dirty = false;

  constructor(canvas: HTMLCanvasElement, maxPoints = DEFAULT_CHART_POINTS) {
    this.canvas = canvas;
    this.maxPoints = maxPoints;
  }

  reset(names: readonly string[]): void {
    this.series.clear();
    for (const n of names) this.series.set(n, []);
    this.schedule();
  }

  push(name: string, value: number): void {
    const s = this.series.get(name) ?? [];
    s.push(value);
    if (s.length > this.maxPoints) s.splice(0, s.length - this.maxPoints);
    this.series.set(name, s);
    this.schedule();
  }

  points(name: string): number {
    return this.series.get(name)?.length ?? 0;
  }

  private schedule(): void {
    if (this.dirty) return;
    this.dirty = true;
    requestAnimationFrame(() => {
      this.dirty = false;
      this.draw();
    });
  }

  private draw(): void {
    const ctx = this.canvas.getContext('2d');
    if (!ctx) return;
    const { width, height } = this.canvas;
    ctx.clearRect(0, 0, width, height);
    ctx.fillStyle = '#fafafa';
    ctx.fillRect(0, 0, width, height);
    const all = [...this.series.values()].flat();
    if (all.length === 0) {
      ctx.fillStyle = '#777';
      ctx.font = '14px system-ui, sans-serif';
      ctx.fillText('waiting for sensor values…', 16, height / 2);
      return;
    }
    let min = Math.min(...all);
    let max = Math.max(...all);
    if (max - min < 1e-9) {
      min -= 1;
      max += 1;
    }
    const pad = 24;
    const y = (v: number) => height - pad - ((v - min) / (max - min)) * (height - 2 * pad);
    ctx.strokeStyle = '#ddd';
    ctx.fillStyle = '#555';
    ctx.font = '11px system-ui, sans-serif';
    for (const v of [min, (min + max) / 2, max]) {
      ctx.beginPath();
      ctx.moveTo(LEFT, y(v));
      ctx.lineTo(width, y(v));
      ctx.stroke();
      ctx.fillText(axisLabel(v), 2, y(v) + 4);
    }
    let i = 0;
    for (const [name, values] of this.series) {
      const color = COLORS[i % COLORS.length] ?? '#000';
      ctx.strokeStyle = color;
      ctx.lineWidth = 2;
      ctx.beginPath();
      values.forEach((v, k) => {
        const x = LEFT + (k / Math.max(1, this.maxPoints - 1)) * (width - LEFT - 4);
        if (k === 0) ctx.moveTo(x, y(v));
        else ctx.lineTo(x, y(v));
      });
      ctx.stroke();
      ctx.fillStyle = color;
      ctx.fillText(name, width - 80, 14 + i * 14);
      i++;
    }
  }
}
