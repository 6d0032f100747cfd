/**
 * The one error type of the codebase. `code` is closed: `http/errors.ts` maps it to a status and
 * renders it per route family. `body` carries an exact upstream wire body where the contract
 * fixes one (DRF field maps, message arrays); `expression` names the offending JSON path (FHIR).
 */
export type ErrorCode =
  | 'invalid'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'method_not_allowed'
  | 'conflict'
  | 'gone'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'unprocessable'
  | 'too_many_requests'
  | 'misconfigured'
  // RFC 6749 5.2 / RFC 6750 3.1 codes, used by auth/.
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'invalid_token'
  | 'insufficient_scope';

export interface AppErrorOptions {
  /** JSON path or FHIRPath of the offending element. */
  expression?: string;
  /** Exact response body for routes whose wire format fixes it (e.g. `["Email is required..."]`). */
  body?: unknown;
  /** Extra response headers (e.g. `WWW-Authenticate`, `Retry-After`). */
  headers?: Record<string, string>;
  cause?: unknown;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly expression: string | undefined;
  readonly body: unknown;
  readonly headers: Record<string, string>;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.expression = options.expression;
    this.body = options.body;
    this.headers = options.headers ?? {};
  }
}

/** Narrow an unknown thrown value. */
export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}
