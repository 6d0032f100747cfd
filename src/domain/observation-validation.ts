import { validateDataPoint, type ValidationResult } from '../omh';

/**
 * `$validate` (API.md G.4): an Open mHealth payload against the schema named by its code, for
 * every bundled schema whether or not a scope row exists; nothing is looked up or stored.
 */
export function validateOmhPayload(code: string, data: unknown): ValidationResult {
  return validateDataPoint(code, data);
}
