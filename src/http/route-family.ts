/** The three wire families of error bodies (STYLE.md "Errors"). */
export type RouteFamily = 'fhir' | 'oauth' | 'api';

/** FHIR base prefix, matched case-insensitively (API.md A.1): `/FHIR/R5`, `/fhir/r5`, ... */
export const FHIR_BASE_PATTERN = /^\/fhir\/r5(?=\/|$)/i;

export function routeFamily(pathname: string): RouteFamily {
  if (FHIR_BASE_PATTERN.test(pathname)) return 'fhir';
  if (pathname === '/o' || pathname.startsWith('/o/')) return 'oauth';
  return 'api';
}
