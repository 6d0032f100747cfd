/**
 * Request validation at the edge (STYLE.md "Validation at the edge") and the route table the
 * OpenAPI document is generated from: `apiRoute(spec)` registers the operation and returns the
 * middleware that enforces its body schema, so the document cannot drift from what is enforced.
 *
 * Bodies are accepted in camelCase or snake_case (API.md A.3): keys are folded to snake_case
 * recursively before validation, and schemas are written in snake_case. Errors are DRF field maps
 * with camelCased keys (A.7): `{"name": ["This field is required."]}`.
 */
import { Validator, type OutputUnit, type Schema } from '@cfworker/json-schema';
import type { MiddlewareHandler } from 'hono';
import { createMiddleware } from 'hono/factory';
import { AppError } from '../lib/errors';
import { readJsonObject } from './body';

export type JsonSchema = Schema;

export interface QueryParameterSpec {
  name: string;
  description?: string;
  type?: 'string' | 'integer' | 'boolean';
  required?: boolean;
}

export interface ApiRouteSpec {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** OpenAPI path under /api/v1, with `{param}` placeholders, e.g. `/studies/{id}`. */
  path: string;
  summary: string;
  tag: string;
  /** Who may call it, in words (rendered into the description). */
  access?: string;
  query?: readonly QueryParameterSpec[];
  /** JSON Schema of the body, snake_case keys. */
  body?: JsonSchema;
  /** Status -> description (and optionally a response schema). */
  responses: Readonly<Record<number, string | { description: string; schema: JsonSchema }>>;
  /** Public routes need no bearer token. */
  public?: boolean;
}

/** Every registered operation, in registration order (read by the OpenAPI generator). */
export const API_ROUTES: ApiRouteSpec[] = [];

const validators = new WeakMap<object, Validator>();

function validatorFor(schema: JsonSchema): Validator {
  let v = validators.get(schema);
  if (!v) {
    v = new Validator(schema, '7', false);
    validators.set(schema, v);
  }
  return v;
}

const snake = (key: string) => key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
const camel = (key: string) => key.replace(/_([a-z0-9])/g, (_, ch: string) => ch.toUpperCase());

/** Fold object keys to snake_case, recursively (A.3: upstream converts camelCase input). */
export function snakeKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(snakeKeys);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    const folded = snake(key);
    // An explicit snake_case key wins over its camelCase twin.
    if (!(folded in out) || folded === key) out[folded] = snakeKeys(v);
  }
  return out;
}

const MESSAGES: Record<string, (unit: OutputUnit) => string> = {
  required: () => 'This field is required.',
  type: (u) =>
    /integer|number/.test(u.error)
      ? 'A valid integer is required.'
      : /boolean/.test(u.error)
        ? 'Must be a valid boolean.'
        : /array/.test(u.error)
          ? 'Expected a list of items.'
          : 'Not a valid value.',
  enum: () => 'Not a valid choice.',
  format: (u) =>
    /email/.test(u.error)
      ? 'Enter a valid email address.'
      : /date/.test(u.error)
        ? 'Enter a valid date (YYYY-MM-DD).'
        : 'Not a valid value.',
  minLength: () => 'This field may not be blank.',
  maxLength: () => 'Ensure this field is not too long.',
  minimum: () => 'Ensure this value is greater than or equal to the minimum.',
  minItems: () => 'This list may not be empty.',
};

/** DRF-style field map from validator output: camelCased field paths, leaf errors only. */
export function fieldErrors(units: readonly OutputUnit[]): Record<string, string[]> {
  const errors: Record<string, string[]> = {};
  for (const unit of units) {
    const message = MESSAGES[unit.keyword];
    if (!message) continue;
    let path = unit.instanceLocation.replace(/^#\/?/, '').split('/').filter(Boolean).map(camel);
    if (unit.keyword === 'required') {
      const missing = /"([^"]+)"/.exec(unit.error)?.[1];
      if (missing) path = [...path, camel(missing)];
    }
    const key = path.join('.') || 'nonFieldErrors';
    const list = (errors[key] ??= []);
    if (!list.includes(message(unit))) list.push(message(unit));
  }
  return errors;
}

/** Validate a value against a schema; 400 with a field map when it does not fit. */
export function assertValid<T>(schema: JsonSchema, value: unknown): T {
  const result = validatorFor(schema).validate(value);
  if (!result.valid) {
    const body = fieldErrors(result.errors);
    throw new AppError('invalid', 'The request body is invalid.', {
      body: Object.keys(body).length ? body : { detail: 'Invalid request body.' },
    });
  }
  return value as T;
}

const passThrough = createMiddleware(async (_c, next) => next());

/**
 * Register an operation and return its body validator (or a pass-through when it has no body).
 * The handler reads the folded, validated body with `c.req.valid('json')`.
 */
export function apiRoute<T>(spec: ApiRouteSpec & { body: JsonSchema }): MiddlewareHandler<
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- Hono's Env slot for validators
  any,
  string,
  { in: { json: unknown }; out: { json: T } }
>;
export function apiRoute(spec: ApiRouteSpec): MiddlewareHandler;
export function apiRoute<T>(spec: ApiRouteSpec): MiddlewareHandler {
  API_ROUTES.push(spec);
  const schema = spec.body;
  if (!schema) return passThrough;
  // Parsed whatever the Content-Type says (clients omit it): malformed JSON is a 400, never a 500.
  return createMiddleware(async (c, next) => {
    c.req.addValidatedData('json', assertValid<T>(schema, snakeKeys(await readJsonObject(c))) as object);
    await next();
  });
}
