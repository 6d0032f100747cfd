import { HTTPException } from 'hono/http-exception';
import type { ErrorCode } from '../lib/errors';
import { AppError } from '../lib/errors';
import { routeFamily } from './route-family';

/** The one code -> status table. */
export const STATUS_BY_CODE: Record<ErrorCode, number> = {
  invalid: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  gone: 410,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unprocessable: 422,
  too_many_requests: 429,
  misconfigured: 500,
  invalid_request: 400,
  invalid_client: 401,
  invalid_grant: 400,
  unauthorized_client: 400,
  unsupported_grant_type: 400,
  invalid_scope: 400,
  invalid_token: 401,
  insufficient_scope: 403,
};

/** FHIR OperationOutcome issue types (http://hl7.org/fhir/issue-type) per code. */
const FHIR_ISSUE_TYPE: Partial<Record<ErrorCode, string>> = {
  invalid: 'invalid',
  invalid_request: 'invalid',
  unauthorized: 'login',
  invalid_token: 'login',
  forbidden: 'forbidden',
  insufficient_scope: 'forbidden',
  not_found: 'not-found',
  method_not_allowed: 'not-supported',
  conflict: 'duplicate',
  gone: 'deleted',
  payload_too_large: 'too-costly',
  unsupported_media_type: 'not-supported',
  unprocessable: 'processing',
  too_many_requests: 'throttled',
};

const OAUTH_CODES = new Set<ErrorCode>([
  'invalid_request',
  'invalid_client',
  'invalid_grant',
  'unauthorized_client',
  'unsupported_grant_type',
  'invalid_scope',
  'invalid_token',
  'insufficient_scope',
]);

const GENERIC_SERVER_MESSAGE = 'A server error occurred.';

export interface OperationOutcomeIssue {
  severity: 'fatal' | 'error' | 'warning' | 'information';
  code: string;
  diagnostics?: string;
  expression?: string[];
}

export interface OperationOutcome {
  resourceType: 'OperationOutcome';
  issue: OperationOutcomeIssue[];
}

/** An OperationOutcome with one issue for `err` (also used for batch-response entries). */
export function operationOutcome(err: AppError): OperationOutcome {
  const issue: OperationOutcomeIssue = {
    severity: 'error',
    code: FHIR_ISSUE_TYPE[err.code] ?? 'exception',
    diagnostics: err.message,
  };
  if (err.expression) issue.expression = [err.expression];
  return { resourceType: 'OperationOutcome', issue: [issue] };
}

/**
 * Render an error for the route family of `pathname`. Anything that is not an AppError becomes a
 * generic 500: no message, stack or SQL reaches the client (the caller logs it).
 */
export function renderError(err: unknown, pathname: string): Response {
  const appError = err instanceof AppError ? err : new AppError('misconfigured', GENERIC_SERVER_MESSAGE);
  const status = STATUS_BY_CODE[appError.code];
  const family = routeFamily(pathname);
  const headers = new Headers(appError.headers);
  let body: unknown;
  if (family === 'fhir') {
    headers.set('Content-Type', 'application/fhir+json');
    body = operationOutcome(appError);
  } else if (family === 'oauth') {
    // RFC 6749 5.2: JSON error with no-store; non-OAuth failures map onto its closed code set.
    headers.set('Cache-Control', 'no-store');
    headers.set('Pragma', 'no-cache');
    body = {
      error: oauthErrorCode(appError.code, status),
      error_description: appError.message,
    };
  } else {
    body = appError.body ?? { detail: appError.message };
  }
  if (!headers.has('Content-Type')) headers.set('Content-Type', 'application/json');
  return new Response(JSON.stringify(body), { status, headers });
}

function oauthErrorCode(code: ErrorCode, status: number): string {
  if (OAUTH_CODES.has(code)) return code;
  if (status >= 500) return 'server_error';
  if (status === 404) return 'not_found';
  if (status === 401) return 'invalid_token';
  if (status === 403) return 'access_denied';
  if (status === 429) return 'slow_down';
  return 'invalid_request';
}

const HONO_EXCEPTION_CODES = new Map<number, ErrorCode>([
  [400, 'invalid'],
  [401, 'unauthorized'],
  [403, 'forbidden'],
  [404, 'not_found'],
  [405, 'method_not_allowed'],
  [413, 'payload_too_large'],
  [415, 'unsupported_media_type'],
]);

/** Hono's own 4xx exceptions (e.g. a body it could not parse) become AppErrors, rendered like ours. */
export function fromHonoException(err: unknown): unknown {
  if (!(err instanceof HTTPException)) return err;
  const code = HONO_EXCEPTION_CODES.get(err.status);
  return code ? new AppError(code, err.message || 'Bad request.') : err;
}
