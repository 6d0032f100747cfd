/** Small FHIR HTTP helpers shared by the resource routers. */
import type { Context } from 'hono';
import type { AppEnv } from '../env';
import { requestOrigin } from '../http/origin';
import { AppError } from '../lib/errors';
import { rawParams, type RawParams } from './params';

/** Search parameters from the URL, plus a form body for `POST /{type}/_search`. */
export async function searchParams(c: Context<AppEnv>): Promise<RawParams> {
  const search = new URL(c.req.url).searchParams;
  if (
    c.req.method === 'POST' &&
    (c.req.header('Content-Type') ?? '').includes('application/x-www-form-urlencoded')
  ) {
    for (const [name, value] of new URLSearchParams(await c.req.text())) search.append(name, value);
  }
  return rawParams(search);
}

/** A resource id from the path; anything but a positive integer is not found (D.5). */
export function pathId(c: Context<AppEnv>, type: string): number {
  const raw = c.req.param('id') ?? '';
  const id = /^\d{1,15}$/.test(raw) ? Number(raw) : 0;
  if (id <= 0) throw new AppError('not_found', `${type}/${raw} not found.`);
  return id;
}

/** `application/fhir+json` when the client asks for it (D.1: never 406), else `application/json`. */
export function fhirJson(
  c: Context<AppEnv>,
  body: unknown,
  status: 200 | 201 = 200,
  headers: Record<string, string> = {},
) {
  const accept = c.req.header('Accept') ?? '';
  const type = accept.includes('application/fhir+json') ? 'application/fhir+json' : 'application/json';
  return c.json(body, status, { ...headers, 'Content-Type': `${type}; charset=utf-8` });
}

/** The FHIR base URL of this request, as the client spelled it (`/FHIR/R5` or `/fhir/r5`). */
export function fhirBase(c: Context<AppEnv>): string {
  const url = new URL(c.req.url);
  const match = /^\/fhir\/r5/i.exec(url.pathname);
  return `${requestOrigin(c.req.url, c.req.header('X-Forwarded-Proto'))}${match?.[0] ?? '/fhir/r5'}`;
}
