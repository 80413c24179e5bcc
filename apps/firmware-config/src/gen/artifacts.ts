/**
 * Config -> the three generated files, refusing an invalid config. Pure: the CLI writes the files, the web UI
 * offers them as downloads.
 */
import {
  allocateLedc,
  type Diagnostic,
  getBoard,
  hasErrors,
  type LedcAssignment,
  type ResolvedConfig,
  validateConfig,
} from '@esphil/device-model';
import { generateHeader, HEADER_FILE_NAME } from './header';
import { buildManifest, type CapabilitiesManifest, MANIFEST_FILE_NAME, manifestJson } from './manifest';
import { PINOUT_FILE_NAME, pinoutSvg } from './pinout-svg';

export interface GeneratedFiles {
  [HEADER_FILE_NAME]: string;
  [MANIFEST_FILE_NAME]: string;
  [PINOUT_FILE_NAME]: string;
}

export type GenerateResult =
  | {
      ok: true;
      config: ResolvedConfig;
      ledc: LedcAssignment[];
      manifest: CapabilitiesManifest;
      files: GeneratedFiles;
      diagnostics: Diagnostic[];
    }
  | { ok: false; diagnostics: Diagnostic[] };

export function generateArtifacts(input: unknown, opts: { source?: string } = {}): GenerateResult {
  const { config, diagnostics } = validateConfig(input);
  if (!config || hasErrors(diagnostics)) return { ok: false, diagnostics };
  const allocation = allocateLedc(config, config.core);
  if (!allocation.ok) return { ok: false, diagnostics: [...diagnostics, ...allocation.diagnostics] };
  const board = getBoard(config.board);
  if (!board) return { ok: false, diagnostics };
  const manifest = buildManifest(config, allocation.assignments);
  return {
    ok: true,
    config,
    ledc: allocation.assignments,
    manifest,
    diagnostics,
    files: {
      [HEADER_FILE_NAME]: generateHeader(config, allocation.assignments, opts),
      [MANIFEST_FILE_NAME]: manifestJson(manifest),
      [PINOUT_FILE_NAME]: pinoutSvg(board, config, { ledc: allocation.assignments }),
    },
  };
}
