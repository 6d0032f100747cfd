/**
 * The public origin of a request: scheme from `X-Forwarded-Proto` when a proxy set it (API.md B.2),
 * host from the URL. Discovery documents, links and issuers are built from it.
 */
export function requestOrigin(requestUrl: string, forwardedProto: string | undefined): string {
  const url = new URL(requestUrl);
  const proto = forwardedProto?.split(',')[0]?.trim().toLowerCase();
  const scheme = proto === 'https' || proto === 'http' ? proto : url.protocol.replace(':', '');
  return `${scheme}://${url.host}`;
}
