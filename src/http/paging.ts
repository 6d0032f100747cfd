import type { Context } from 'hono';
import { AppError } from '../lib/errors';
import { queryParam } from './body';

/** API.md A.5: default 20 rows per page, at most 1000. */
export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 1000;

export interface PageRequest {
  page: number;
  pageSize: number;
  offset: number;
}

/** `page` and `page_size`/`pageSize` from the query; nonsense falls back to the defaults. */
export function pageRequest(c: Context, defaultSize = DEFAULT_PAGE_SIZE): PageRequest {
  const pageText = c.req.query('page');
  const page = pageText === undefined ? 1 : Number(pageText);
  if (!Number.isInteger(page) || page < 1) throw new AppError('not_found', 'Invalid page.');
  const sizeText = queryParam(c, 'page_size');
  const size = Number(sizeText);
  const pageSize =
    sizeText !== undefined && Number.isInteger(size) && size > 0
      ? Math.min(size, MAX_PAGE_SIZE)
      : defaultSize;
  return { page, pageSize, offset: (page - 1) * pageSize };
}

export interface PageEnvelope<T> {
  count: number;
  next: string | null;
  previous: string | null;
  results: T[];
}

/**
 * The DRF envelope with absolute `next`/`previous` built from the request URL with only `page`
 * replaced (page 2's `previous` omits it). A page past the end is 404 "Invalid page." (page 1 of
 * an empty list is fine).
 */
export function pageEnvelope<T>(
  c: Context,
  request: PageRequest,
  count: number,
  results: T[],
): PageEnvelope<T> {
  const lastPage = Math.max(1, Math.ceil(count / request.pageSize));
  if (request.page > lastPage) throw new AppError('not_found', 'Invalid page.');
  const link = (page: number) => {
    const url = new URL(c.req.url);
    if (page === 1) url.searchParams.delete('page');
    else url.searchParams.set('page', String(page));
    return url.toString();
  };
  return {
    count,
    next: request.page < lastPage ? link(request.page + 1) : null,
    previous: request.page > 1 ? link(request.page - 1) : null,
    results,
  };
}
