import { isMusubiError } from '../../errors/index.js';

/** Why a file was not refined, in the words the summary uses. */
export type FailureReason =
  | 'corrupt'
  | 'encrypted'
  | 'empty'
  | 'oversized'
  | 'unsupported'
  | 'wrong encoding'
  | 'parser timeout'
  | 'out of memory'
  | 'missing'
  | 'error';

export interface FileFailure {
  readonly uri: string;
  readonly reason: FailureReason;
  readonly code: string;
  /** One line. */
  readonly message: string;
}

const reasons: Readonly<Record<string, FailureReason>> = {
  'parse.corrupt': 'corrupt',
  'parse.encrypted': 'encrypted',
  'parse.empty': 'empty',
  'refine.no-text': 'empty',
  'refine.too-large': 'oversized',
  'parse.too-large': 'oversized',
  'parse.unsupported': 'unsupported',
  'parse.conversion-failed': 'unsupported',
  'parse.encoding': 'wrong encoding',
  'parse.timeout': 'parser timeout',
  'parse.out-of-memory': 'out of memory',
  'refine.path-missing': 'missing',
};

/** One summary line's worth of a failure: the error's code mapped to a reason, its message on one line. */
export function failureOf(uri: string, e: unknown): FileFailure {
  const code = isMusubiError(e) ? e.code : 'internal';
  const raw = e instanceof Error ? e.message : String(e);
  const message = raw.split('\n')[0]!.trim();
  return { uri, reason: reasons[code] ?? 'error', code, message };
}
