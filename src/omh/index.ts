/** Open mHealth validation and time extraction (API.md G, D.3). Pure: no I/O, no hono. */
export { hasBundledSchema, schemaUriForCode } from './codes';
export { extractEffectiveTime, type EffectiveTime } from './effective-time';
export type { OmhIssue } from './issues';
export { validateDataPoint, type DataPointForm, type ValidationResult } from './validate';
