/**
 * The paging half of every FHIR search (API.md A.6, D.4), shared by all resource routers: `_count`,
 * `_summary=count`, the opaque `_cursor` of the next link (keyset: last key values, the total of
 * the first page and the sort signature), the legacy `_page` (OFFSET), and the searchset Bundle.
 */
import type { Context } from 'hono';
import type { Page, PageQuery } from '../domain/fhir-search';
import type { AppEnv } from '../env';
import { searchsetBundle } from './bundle';
import { decodeCursor, encodeCursor } from './cursor';
import { fhirJson } from './http';
import { first, parseCount, type RawParams } from './params';

export interface SearchSpec<R> {
  /** Signature of the order, bound into cursors so a cursor is not reused under another `_sort`. */
  sort: string;
  /** The domain search for one page. */
  run: (page: PageQuery) => Promise<Page<R>>;
  render: (record: R) => unknown;
}

/**
 * Answer a search with a searchset Bundle; `spec` null = the search can match nothing (e.g. a
 * `_source` other than JHE-native records) and answers an empty Bundle without a query.
 */
export async function searchResponse<R>(c: Context<AppEnv>, params: RawParams, spec: SearchSpec<R> | null) {
  const count = parseCount(params);
  const summaryCount = first(params, '_summary') === 'count';
  if (!spec) return fhirJson(c, searchsetBundle({ requestUrl: c.req.url, total: 0, resources: [] }));
  const cursorText = first(params, '_cursor');
  const cursor = cursorText ? decodeCursor(cursorText, spec.sort) : undefined;
  const pageNumber = Number(first(params, '_page') ?? 1);
  const page = await spec.run({
    count,
    ...(cursor && { after: cursor.after }),
    ...(!cursor && Number.isInteger(pageNumber) && pageNumber > 1 && { offset: (pageNumber - 1) * count }),
    // The total is counted on the first page and carried in the cursor ("count only when asked").
    withTotal: cursor?.total === undefined,
    totalOnly: summaryCount,
  });
  const total = page.total ?? cursor?.total ?? 0;
  if (summaryCount) return fhirJson(c, searchsetBundle({ requestUrl: c.req.url, total, resources: [] }));
  return fhirJson(
    c,
    searchsetBundle({
      requestUrl: c.req.url,
      total,
      resources: page.records.map(spec.render),
      nextCursor: page.nextAfter && encodeCursor({ after: page.nextAfter, total, sort: spec.sort }),
    }),
  );
}
