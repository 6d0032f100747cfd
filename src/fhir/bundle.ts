/** Search and batch Bundles (API.md A.6, D.7): `entry` and `link` are always present. */

export interface SearchsetInput {
  requestUrl: string;
  total: number;
  resources: unknown[];
  /** The `_cursor` of the next page, when there is one. */
  nextCursor?: string | undefined;
}

/** The next link: the original query with `_cursor` set and `_page` dropped. */
function nextLink(requestUrl: string, cursor: string): string {
  const url = new URL(requestUrl);
  url.searchParams.delete('_page');
  url.searchParams.set('_cursor', cursor);
  return url.toString();
}

export function searchsetBundle(input: SearchsetInput) {
  const link = [{ relation: 'self', url: input.requestUrl }];
  if (input.nextCursor) link.push({ relation: 'next', url: nextLink(input.requestUrl, input.nextCursor) });
  return {
    resourceType: 'Bundle' as const,
    type: 'searchset' as const,
    total: input.total,
    entry: input.resources.map((resource) => ({ resource })),
    link,
    meta: {},
  };
}
