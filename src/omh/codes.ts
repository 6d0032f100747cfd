/**
 * Scope codes (`<namespace>:<name>:<version>`) to schema URIs, API.md G.1. The namespace comes from
 * the code string, never from the coding system.
 */
import { BUNDLED_SCHEMA_FILES } from './bundled-schemas.generated';
import { IEEE_BASE_URI, OMH_BASE_URI } from './schema-files';

/** URI of the IEEE 1752 header schema every data point header is validated against (G.2). */
export const HEADER_SCHEMA_URI = `${IEEE_BASE_URI}header-1.0.json`;

const BASE_URI_BY_NAMESPACE: ReadonlyMap<string, string> = new Map([
  ['omh', OMH_BASE_URI],
  ['ieee', IEEE_BASE_URI],
]);

// Names and versions as the vendored file names spell them (`forced-expiratory-volume-1-second`,
// `4.0`, `4.x`); anything else cannot name a file and must not reach URI resolution.
const CODE = /^([a-z]+):([a-z0-9]+(?:-[a-z0-9]+)*):(\d+\.(?:\d+|x))$/;

/**
 * Schema URI for a scope code, e.g. `omh:blood-pressure:4.0` ->
 * `https://w3id.org/openmhealth/schemas/omh/blood-pressure-4.0.json`; `null` for a malformed code
 * or a namespace other than `omh`/`ieee`. Says nothing about whether the schema is bundled.
 */
export function schemaUriForCode(code: string): string | null {
  const match = CODE.exec(code);
  if (match === null) return null;
  const [, namespace, name, version] = match;
  const base = namespace === undefined ? undefined : BASE_URI_BY_NAMESPACE.get(namespace);
  if (base === undefined || name === undefined || version === undefined) return null;
  return `${base}${name}-${version}.json`;
}

let bundledUris: ReadonlySet<string> | undefined;

/** Whether the schema for `code` is bundled, i.e. whether `validateDataPoint` can check it. */
export function hasBundledSchema(code: string): boolean {
  const uri = schemaUriForCode(code);
  if (uri === null) return false;
  bundledUris ??= new Set(BUNDLED_SCHEMA_FILES.map((file) => file.uri));
  return bundledUris.has(uri);
}
