/**
 * `validateDataPoint()`: the one gate OMH payloads pass (STYLE "Validation at the edge", API.md G.2).
 */
import { HEADER_SCHEMA_URI, schemaUriForCode } from './codes';
import { extractEffectiveTime, type EffectiveTime } from './effective-time';
import { toOmhIssues, type OmhIssue } from './issues';
import { isJsonObject } from './json';
import { getSchemaRegistry } from './registry';

/** `dataPoint`: a `{header, body}` envelope; `body`: a bare body without either key (G.2 [R]). */
export type DataPointForm = 'dataPoint' | 'body';

/**
 * `ok`: store the document unchanged; `effective` feeds the effective-time columns and FHIR
 * `effective[x]`. `invalid`: answer 422 with `errors`. `unknown_code`: no bundled schema for the
 * code, answer 400 (API.md rule 4).
 */
export type ValidationResult =
  | { ok: true; form: DataPointForm; effective: EffectiveTime | null }
  | { ok: false; reason: 'invalid'; errors: OmhIssue[] }
  | { ok: false; reason: 'unknown_code'; code: string; message: string };

/**
 * Validate decoded OMH JSON for a scope code. An object with a `header` or a `body` key is a data
 * point and needs both: the header against IEEE 1752 `header-1.0`, the body against the code's
 * schema; the header's `schema_id` is not compared with the code [U]. An object with neither key
 * is a bare body, validated as the body. Formats are asserted (G.3 [R]). `data` must be JSON data
 * (what `JSON.parse` returns).
 */
export function validateDataPoint(code: string, data: unknown): ValidationResult {
  const registry = getSchemaRegistry();
  const bodyUri = schemaUriForCode(code);
  if (bodyUri === null || !registry.has(bodyUri)) {
    return {
      ok: false,
      reason: 'unknown_code',
      code,
      message: `No Open mHealth schema is bundled for the code "${code}".`,
    };
  }
  if (!isJsonObject(data)) {
    return invalid([
      { path: '$', keyword: 'type', message: 'must be a JSON object: an Open mHealth data point or body' },
    ]);
  }

  if (!Object.hasOwn(data, 'header') && !Object.hasOwn(data, 'body')) {
    const errors = checkAgainst(bodyUri, data, '$');
    return errors.length > 0
      ? invalid(errors)
      : { ok: true, form: 'body', effective: extractEffectiveTime(data) };
  }

  const errors = [
    ...(['header', 'body'] as const)
      .filter((key) => !Object.hasOwn(data, key))
      .map((key) => ({ path: '$', keyword: 'required', message: `missing required property "${key}"` })),
    ...(Object.hasOwn(data, 'header') ? checkAgainst(HEADER_SCHEMA_URI, data.header, '$.header') : []),
    ...(Object.hasOwn(data, 'body') ? checkAgainst(bodyUri, data.body, '$.body') : []),
  ];
  return errors.length > 0
    ? invalid(errors)
    : { ok: true, form: 'dataPoint', effective: extractEffectiveTime(data.body) };
}

function checkAgainst(uri: string, instance: unknown, rootPath: string): OmhIssue[] {
  const units = getSchemaRegistry().validate(uri, instance);
  // Both URIs were checked against the registry above (the header schema is bundled by construction).
  if (units === null) throw new Error(`schema ${uri} is not registered`);
  return toOmhIssues(units, instance, rootPath);
}

function invalid(errors: OmhIssue[]): ValidationResult {
  return { ok: false, reason: 'invalid', errors };
}
