/**
 * Build identity: the app the DUT says it booted (boot line / hello: `fw` and `app` from its esp_app_desc_t,
 * PROTOCOL.md §4.1) against what it must be: the app image the flash stage just wrote (its descriptor's
 * app_elf_sha256) and/or the bench's firmware.expect. On stock arduino-esp32 builds only elfSha256 tells builds
 * apart (project and version name the framework's library build; PROTOCOL.md §4.1), so the image check compares
 * that alone.
 */
import type { AppDescriptor } from '@esphil/device-model';
import type { AppIdentity } from '@esphil/protocol';
import type { ExpectedIdentity } from './bench-section';

export interface ReportedIdentity {
  fw: string;
  app?: AppIdentity;
}

export interface IdentityExpectation extends ExpectedIdentity {
  /** Where it comes from, for the message: "firmware.bin just flashed", "firmware.expect". */
  from: string;
  /** The flashed app's own description, for the message. */
  desc?: string;
}

export function expectationsFor(
  flashed: { app: AppDescriptor | null; appFile: string | null } | undefined,
  expect: ExpectedIdentity | null,
): IdentityExpectation[] {
  const out: IdentityExpectation[] = [];
  if (flashed?.app) {
    const a = flashed.app;
    out.push({
      from: `${flashed.appFile ?? 'the app'} just flashed`,
      elfSha256: a.elfSha256,
      desc: `${a.projectName} ${a.version}, elf ${a.elfSha256}`,
    });
  }
  if (expect) out.push({ from: 'firmware.expect', ...expect });
  return out;
}

export function describeReported(r: ReportedIdentity): string {
  return r.app
    ? `fw ${r.fw} (${r.app.project} ${r.app.version}, elf ${r.app.elfSha256})`
    : `fw ${r.fw} (no app identity)`;
}

function describeExpected(e: IdentityExpectation): string {
  if (e.desc) return e.desc;
  return [e.fw !== undefined ? `fw ${e.fw}` : '', e.elfSha256 !== undefined ? `elf ${e.elfSha256}` : '']
    .filter(Boolean)
    .join(', ');
}

/** The first expectation the reported identity fails, as "<expected> (<from>) but the DUT booted <reported>". */
export function identityMismatch(
  expectations: readonly IdentityExpectation[],
  reported: ReportedIdentity,
): string | null {
  for (const e of expectations) {
    const shaOk = e.elfSha256 === undefined || reported.app?.elfSha256 === e.elfSha256;
    const fwOk = e.fw === undefined || reported.fw === e.fw;
    if (!shaOk || !fwOk) {
      return `expected ${describeExpected(e)} (${e.from}), but the DUT booted ${describeReported(reported)}`;
    }
  }
  return null;
}
