import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { renderHtml } from './html';
import { renderJunit } from './junit';
import type { HilReport, SerialLogEntry } from './model';

export interface WrittenReports {
  junit: string;
  json: string;
  html: string;
  serialLog: string;
}

export async function writeReports(
  dir: string,
  report: HilReport,
  serialLog: readonly SerialLogEntry[],
): Promise<WrittenReports> {
  await mkdir(dir, { recursive: true });
  const out: WrittenReports = {
    junit: join(dir, 'junit.xml'),
    json: join(dir, 'report.json'),
    html: join(dir, 'report.html'),
    serialLog: join(dir, 'serial.log'),
  };
  const base = Date.parse(report.startedAt);
  await Promise.all([
    writeFile(out.junit, renderJunit(report)),
    writeFile(out.json, `${JSON.stringify(report, null, 2)}\n`),
    writeFile(
      out.html,
      renderHtml(report, { serialLog, links: [out.json, out.junit, out.serialLog].map((f) => basename(f)) }),
    ),
    writeFile(
      out.serialLog,
      `${serialLog.map((l) => `${((l.at - base) / 1000).toFixed(3).padStart(9)} ${l.text}`).join('\n')}\n`,
    ),
  ]);
  return out;
}
