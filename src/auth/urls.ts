/**
 * The public origin of a request: scheme from `X-Forwarded-Proto` when a proxy set it (B.2),
 * host from the URL. Discovery, links and the ID-token issuer are built from it.
 */
export function requestOrigin(requestUrl: string, forwardedProto: string | undefined): string {
  const url = new URL(requestUrl);
  const proto = forwardedProto?.split(',')[0]?.trim().toLowerCase();
  const scheme = proto === 'https' || proto === 'http' ? proto : url.protocol.replace(':', '');
  return `${scheme}://${url.host}`;
}

/** The OIDC issuer for an origin: no trailing slash (B.2). */
export function issuerFor(origin: string): string {
  return `${origin}/o`;
}
