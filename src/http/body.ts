import type { Context } from 'hono';
import { AppError } from '../lib/errors';

/** The JSON object body of a request; malformed JSON or a non-object is a 400, never a 500. */
export async function readJsonObject(c: Context): Promise<Record<string, unknown>> {
  const text = await c.req.text();
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new AppError('invalid', 'JSON parse error: the request body is not valid JSON.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new AppError('invalid', 'The request body must be a JSON object.');
  }
  return parsed as Record<string, unknown>;
}

const camel = (snake: string) => snake.replace(/_([a-z0-9])/g, (_, ch: string) => ch.toUpperCase());

/** A body field by its snake_case name, accepting the camelCase spelling too (API.md A.3). */
export function field(body: Record<string, unknown>, snakeName: string): unknown {
  return body[snakeName] ?? body[camel(snakeName)];
}

/** A query parameter by its snake_case name, accepting the camelCase spelling too (API.md A.4). */
export function queryParam(c: Context, snakeName: string): string | undefined {
  return c.req.query(snakeName) ?? c.req.query(camel(snakeName));
}

/** A positive integer path/body id, or undefined when it is not one (callers answer 404 or 400). */
export function positiveInt(value: unknown): number | undefined {
  const n =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^\d+$/.test(value)
        ? Number(value)
        : NaN;
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}
