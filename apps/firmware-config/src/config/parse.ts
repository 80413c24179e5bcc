/**
 * Config file text -> plain object. YAML and JSON both accepted; a syntax error reports line and column so the
 * user can jump to it. Pure (no fs): the CLI and the web UI's import share it.
 */
import { parseDocument } from 'yaml';
import { type DuplicateKey, findDuplicateJsonKey } from './json-duplicates';

/** A UTF-8 byte order mark (Windows editors add one); it is not part of the config and is dropped. */
const BOM = '\uFEFF';

/** Larger than any real config (16 entries per kind is the model's cap) but small enough to parse at once. */
export const MAX_CONFIG_BYTES = 256 * 1024;
/** YAML aliases expand; a few are fine, a billion laughs is not. */
export const MAX_YAML_ALIASES = 50;

export type ConfigFormat = 'json' | 'yaml';

export interface ConfigSyntaxError {
  code: 'config.syntax' | 'config.duplicate-key' | 'config.too-large' | 'config.empty';
  message: string;
  /** 1-based; absent when the position is unknown. */
  line?: number;
  column?: number;
}

export type ParseConfigResult =
  | { ok: true; value: unknown; format: ConfigFormat }
  | { ok: false; error: ConfigSyntaxError; format: ConfigFormat };

/** JSON when the name says so or the text starts with `{`/`[`; YAML otherwise. */
export function detectFormat(text: string, fileName?: string): ConfigFormat {
  if (fileName !== undefined) {
    if (/\.json$/i.test(fileName)) return 'json';
    if (/\.ya?ml$/i.test(fileName)) return 'yaml';
  }
  return /^\s*[{[]/.test(text) ? 'json' : 'yaml';
}

/** 1-based line/column of a character offset. */
export function lineColumnOf(text: string, offset: number): { line: number; column: number } {
  const clamped = Math.max(0, Math.min(offset, text.length));
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < clamped; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: clamped - lineStart + 1 };
}

function jsonErrorPosition(text: string, message: string): { line: number; column: number } | undefined {
  // V8 phrases it as "... in JSON at position 42" or "... (line 3 column 5)"; other engines differ.
  const lc = /line (\d+) column (\d+)/.exec(message);
  if (lc?.[1] && lc[2]) return { line: Number(lc[1]), column: Number(lc[2]) };
  const pos = /at position (\d+)/.exec(message);
  if (pos?.[1]) return lineColumnOf(text, Number(pos[1]));
  if (/end of (JSON )?input|Unterminated/i.test(message)) return lineColumnOf(text, text.length);
  return undefined;
}

function parseJson(text: string): ParseConfigResult {
  try {
    const value = JSON.parse(text) as unknown;
    const dup = findDuplicateJsonKey(text);
    if (dup) return duplicateKeyError(text, dup);
    return { ok: true, value, format: 'json' };
  } catch (err) {
    const raw = err instanceof Error ? err.message : String(err);
    const at = jsonErrorPosition(text, raw);
    const where = at ? ` at line ${at.line}, column ${at.column}` : '';
    return {
      ok: false,
      format: 'json',
      error: { code: 'config.syntax', message: `JSON syntax error${where}: ${raw}`, ...at },
    };
  }
}

function duplicateKeyError(text: string, dup: DuplicateKey): ParseConfigResult {
  const at = lineColumnOf(text, dup.offset);
  return {
    ok: false,
    format: 'json',
    error: {
      code: 'config.duplicate-key',
      message: `duplicate key '${dup.key}' at line ${at.line}, column ${at.column} (${dup.path}): JSON would keep only the last one; merge or remove one`,
      ...at,
    },
  };
}

function parseYaml(text: string): ParseConfigResult {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false, schema: 'core' });
  const first = doc.errors[0];
  if (first) {
    const at = lineColumnOf(text, first.pos[0]);
    const where = ` at line ${at.line}, column ${at.column}`;
    const reason = first.message.split('\n')[0] ?? first.message;
    const duplicate = first.code === 'DUPLICATE_KEY';
    return {
      ok: false,
      format: 'yaml',
      error: {
        code: duplicate ? 'config.duplicate-key' : 'config.syntax',
        message: duplicate
          ? `YAML duplicate key${where}: ${reason}; merge or remove one`
          : `YAML syntax error${where}: ${reason}`,
        line: at.line,
        column: at.column,
      },
    };
  }
  try {
    return { ok: true, value: doc.toJS({ maxAliasCount: MAX_YAML_ALIASES }) as unknown, format: 'yaml' };
  } catch (err) {
    const raw = err instanceof Error ? err.message : String(err);
    return { ok: false, format: 'yaml', error: { code: 'config.syntax', message: `YAML error: ${raw}` } };
  }
}

export function parseConfigText(
  text: string,
  opts: { fileName?: string; maxBytes?: number } = {},
): ParseConfigResult {
  if (text.startsWith(BOM)) text = text.slice(BOM.length);
  const format = detectFormat(text, opts.fileName);
  const maxBytes = opts.maxBytes ?? MAX_CONFIG_BYTES;
  const bytes = new TextEncoder().encode(text).length;
  if (bytes > maxBytes) {
    return {
      ok: false,
      format,
      error: {
        code: 'config.too-large',
        message: `The config is ${bytes} bytes; at most ${maxBytes} are read. Is this the right file?`,
      },
    };
  }
  if (text.trim().length === 0) {
    return {
      ok: false,
      format,
      error: {
        code: 'config.empty',
        message: 'The config is empty. Run `firmware-config init` for a starter.',
      },
    };
  }
  return format === 'json' ? parseJson(text) : parseYaml(text);
}
