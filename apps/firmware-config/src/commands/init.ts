import { writeFile } from 'node:fs/promises';
import { BOARD_IDS, type BoardId, starterConfig } from '@esphil/device-model';
import { stringify } from 'yaml';
import { CliError, type CommandIO } from './io';

export const DEFAULT_INIT_BOARD: BoardId = 'esp32-doit-devkit-v1';

export interface InitOptions {
  board?: string;
  /** Output file; .json writes JSON, anything else YAML. Absent = print to stdout. */
  out?: string;
  /** Overwrite an existing file. Default false. */
  force?: boolean;
  io: CommandIO;
}

export function starterText(board: BoardId, format: 'json' | 'yaml'): string {
  const config = starterConfig(board);
  return format === 'json'
    ? `${JSON.stringify(config, null, 2)}\n`
    : `# esphil device config (validate: firmware-config validate <file>)\n${stringify(config)}`;
}

export async function initCommand(opts: InitOptions): Promise<{ exitCode: 0; text: string }> {
  const board = (opts.board ?? DEFAULT_INIT_BOARD) as BoardId;
  if (!BOARD_IDS.includes(board)) {
    throw new CliError('usage', `Unknown board '${opts.board}'. Boards: ${BOARD_IDS.join(', ')}.`);
  }
  const format = opts.out && /\.json$/i.test(opts.out) ? 'json' : 'yaml';
  const text = starterText(board, format);
  if (!opts.out) {
    opts.io.out(text.trimEnd());
    return { exitCode: 0, text };
  }
  try {
    await writeFile(opts.out, text, { encoding: 'utf8', flag: opts.force ? 'w' : 'wx' });
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    throw new CliError(
      'write_failed',
      code === 'EEXIST'
        ? `${opts.out} already exists; pass --force to overwrite it.`
        : `Cannot write ${opts.out}: ${err instanceof Error ? err.message : String(err)}`,
      { cause: err },
    );
  }
  opts.io.out(`wrote ${opts.out} (starter config for ${board})`);
  return { exitCode: 0, text };
}
