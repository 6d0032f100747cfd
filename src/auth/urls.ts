/** The OIDC issuer for an origin: no trailing slash (B.2). */
export function issuerFor(origin: string): string {
  return `${origin}/o`;
}
