import type { ErrorCode } from '../messages';
import type { DecodeResult, Issue } from './types';

export function ok<T>(value: T): DecodeResult<T> {
  return { ok: true, value };
}

export function fail<T>(code: ErrorCode, path: string, message: string, id: number | null): DecodeResult<T> {
  return { ok: false, error: { code, path, message, id } };
}

export function failIssue<T>(code: ErrorCode, issue: Issue, id: number | null): DecodeResult<T> {
  return { ok: false, error: { code, path: issue.path, message: issue.message, id } };
}
