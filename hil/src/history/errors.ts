/** Why one input of `hil history` was skipped, or why the command could not run at all. */
export type HistoryErrorCode =
  | 'report_too_large'
  | 'report_unreadable'
  | 'report_not_json'
  | 'report_foreign'
  | 'report_invalid'
  | 'history_invalid'
  | 'input_not_found'
  | 'too_many_inputs'
  | 'bad_args';

export class HistoryError extends Error {
  override readonly name = 'HistoryError';
  constructor(
    readonly code: HistoryErrorCode,
    message: string,
    /** What to do about it. */
    readonly hint?: string,
  ) {
    super(message);
  }
}

/** A skipped input: named, with the reason; the build goes on without it. */
export interface HistoryWarning {
  source: string;
  code: HistoryErrorCode;
  message: string;
}

export function warningOf(source: string, e: unknown): HistoryWarning {
  if (e instanceof HistoryError) return { source, code: e.code, message: e.message };
  return { source, code: 'report_unreadable', message: e instanceof Error ? e.message : String(e) };
}
