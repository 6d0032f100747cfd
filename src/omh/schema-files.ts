/**
 * How one vendored schema file under `schemas/` becomes an entry of the generated bundle. Shared by
 * the generator (`src/cli/generate-omh-bundle.ts`, Node) and the freshness test (workerd), so both
 * derive entries the same way.
 */

/** Base URI of the Open mHealth tree (G.1). */
export const OMH_BASE_URI = 'https://w3id.org/openmhealth/schemas/omh/';

/** Base URI of the IEEE 1752 tree; its sub-folders are flattened (G.1). */
export const IEEE_BASE_URI = 'https://w3id.org/ieee/ieee-1752-schema/';

/**
 * One file of the bundle. `path` is relative to `schemas/`; `uri` is the base URI of its tree plus
 * its file name, the URI its referrers use. A `schema` carries minified JSON text (parsed once per
 * isolate, so the generated module stays cheap to type-check and load). An `alias` is one of the
 * `*.x.json` files that upstream keeps as Git symlinks: checked out without symlink support they
 * hold only the target's file name, and `target` is that file's URI.
 */
export type BundledSchemaFile =
  | { kind: 'schema'; path: string; uri: string; json: string }
  | { kind: 'alias'; path: string; uri: string; target: string };

const ALIAS_TARGET = /^[a-z0-9][a-z0-9.-]*\.json$/;

/**
 * Turn one file (`omh/x.json`, `ieee/utility/y.json`) and its text into a bundle entry. Throws on a
 * path outside the two trees or on text that is neither JSON nor a symlink target name.
 */
export function toBundledSchemaFile(path: string, text: string): BundledSchemaFile {
  const uri = fileUri(path);
  const trimmed = text.trim();
  if (ALIAS_TARGET.test(trimmed)) {
    return { kind: 'alias', path, uri, target: new URL(trimmed, uri).href };
  }
  const parsed: unknown = JSON.parse(text);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(`${path}: a schema file must hold a JSON object`);
  }
  return { kind: 'schema', path, uri, json: JSON.stringify(parsed) };
}

function fileUri(path: string): string {
  const segments = path.split('/');
  const name = segments[segments.length - 1];
  if (name === undefined || !name.endsWith('.json')) {
    throw new Error(`${path}: not a .json file`);
  }
  if (segments[0] === 'omh' && segments.length === 2) return OMH_BASE_URI + name;
  if (segments[0] === 'ieee' && segments.length >= 2) return IEEE_BASE_URI + name;
  throw new Error(`${path}: not under schemas/omh or schemas/ieee`);
}

/** Deterministic bundle order: by path, code-unit order (independent of locale and file system). */
export function compareBundlePaths(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
