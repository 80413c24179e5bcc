import { expect } from 'vitest';
import type { HilReport } from '../report/model';
import type { FaultCase } from './fault-matrix';

export function checkFaultCase(c: FaultCase, exitCode: number, report: HilReport): void {
  const failing = report.tests.filter((t) => t.state === 'failed').map((t) => `${t.suite} › ${t.name}`);
  const flaky = report.tests.filter((t) => t.state === 'flaky').map((t) => `${t.suite} › ${t.name}`);
  expect({ fault: c.fault, exitCode, benchError: report.benchError?.code ?? null }).toEqual({
    fault: c.fault,
    exitCode: c.exitCode,
    benchError: c.benchError ?? null,
  });
  expect(flaky).toEqual([]);
  if (c.failing) expect(failing.sort()).toEqual([...c.failing].sort());
  if (c.benchError) expect(report.tests).toEqual([]);
  for (const word of c.mentions ?? []) {
    if (c.benchError) expect(`${report.benchError?.message} ${report.benchError?.hint}`).toContain(word);
    else
      for (const t of report.tests.filter((x) => x.state === 'failed'))
        expect(`${t.error?.message} ${t.hint}`, t.name).toContain(word);
  }
}
