import { FHIR_BASE_PATTERN } from './route-family';

/**
 * The path the router sees. A single trailing slash is optional on every route (API.md A.2 [R]),
 * so routes are declared without it; the FHIR base prefix is case-insensitive (A.1 [R]), so it is
 * folded to `/fhir/r5`. Links keep the client's own spelling (they come from the request URL).
 */
export function normalizePath(pathname: string): string {
  let path = pathname.replace(FHIR_BASE_PATTERN, '/fhir/r5');
  if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
  return path;
}
