/**
 * `POST /Observation/$validate` (API.md G.4): check an upload without storing it. Answers 200 with
 * an OperationOutcome listing every problem found (FHIR structure, base64/JSON, each Open mHealth
 * header and body error with its JSON path), or one `information` issue when valid. Subject,
 * device, consent, scope rows and identifier uniqueness are not checked: any code whose schema is
 * bundled is validated.
 */
import { Hono } from 'hono';
import type { AppEnv } from '../env';
import { readJsonObject } from '../http/body';
import type { OperationOutcome, OperationOutcomeIssue } from '../http/errors';
import { AppError } from '../lib/errors';
import { validateOmhPayload } from '../domain/observation-validation';
import { fhirJson } from './http';
import { decodeAttachment, parseObservation } from './observation.parse';

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The Observation of the request: the body itself, or the `resource` part of a Parameters. */
export function resourceToValidate(body: Record<string, unknown>): unknown {
  if (body.resourceType !== 'Parameters') return body;
  const parts = Array.isArray(body.parameter) ? body.parameter : [];
  const part: unknown = parts.find((p) => isObject(p) && p.name === 'resource');
  if (!isObject(part) || !isObject(part.resource))
    throw new AppError(
      'invalid',
      'Parameters must contain a "resource" part with the Observation to validate.',
      {
        expression: 'Parameters.parameter',
      },
    );
  return part.resource;
}

const error = (code: string, diagnostics: string, expression: string | undefined): OperationOutcomeIssue => ({
  severity: 'error',
  code,
  diagnostics,
  ...(expression && { expression: [expression] }),
});

/**
 * Every problem of `resource` as OperationOutcome issues, in the order D.6 would meet them. The
 * subject is not checked (G.4), so a placeholder stands in for it during the structural parse.
 */
export function validationIssues(resource: unknown): OperationOutcomeIssue[] {
  let parsed: ReturnType<typeof parseObservation>;
  try {
    parsed = parseObservation(
      isObject(resource) ? { ...resource, subject: { reference: 'Patient/1' } } : resource,
    );
  } catch (err) {
    if (err instanceof AppError) return [error('invalid', err.message, err.expression)];
    throw err;
  }
  const [coding, ...more] = parsed.codings;
  if (!coding || more.length > 0)
    return [error('invalid', 'Exactly one Code must be provided.', 'Observation.code.coding')];
  let data: unknown;
  try {
    data = decodeAttachment(parsed.data);
  } catch (err) {
    if (err instanceof AppError) return [error('invalid', err.message, err.expression)];
    throw err;
  }
  const result = validateOmhPayload(coding.code, data);
  if (result.ok) return [];
  if (result.reason === 'unknown_code')
    return [error('code-invalid', result.message, 'Observation.code.coding[0].code')];
  return result.errors.map((issue) =>
    error('processing', `${issue.path}: ${issue.message} (${issue.keyword})`, issue.path),
  );
}

function outcome(issues: OperationOutcomeIssue[]): OperationOutcome {
  return {
    resourceType: 'OperationOutcome',
    issue:
      issues.length > 0
        ? issues
        : [{ severity: 'information', code: 'informational', diagnostics: 'All OK' }],
  };
}

/** Mounted before the Observation router so `$validate` is never taken for an id. */
export const validateRoutes = new Hono<AppEnv>().on(
  'POST',
  // Some clients percent-encode the `$`.
  ['/Observation/$validate', '/Observation/%24validate'],
  async (c) => fhirJson(c, outcome(validationIssues(resourceToValidate(await readJsonObject(c))))),
);
