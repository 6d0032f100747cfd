/**
 * The offline schema registry: every bundled file dereferenced once per isolate into one
 * `@cfworker/json-schema` lookup table, validated with draft 7 and format assertion (API.md G.3).
 *
 * Why the library's exported `dereference`/`validate` and not one `Validator` per code: a `Validator`
 * validates against its own root only, so each code would need its own copy of all ~200 schemas.
 * One shared lookup serves every code and the header.
 */
import { dereference, validate, type OutputUnit, type Schema } from '@cfworker/json-schema';
import { BUNDLED_SCHEMA_FILES } from './bundled-schemas.generated';
import type { BundledSchemaFile } from './schema-files';

/** Validates instances against registered schemas; built by `buildSchemaRegistry`. */
export interface SchemaRegistry {
  /** Whether `uri` names a registered schema (file-name URI, `*.x.json` alias or trusted `$id`). */
  has(uri: string): boolean;
  /**
   * Validate `instance` (JSON data: what `JSON.parse` returns) against the schema at `uri`.
   * Returns the library's output units, empty when valid; `null` when `uri` is not registered.
   */
  validate(uri: string, instance: unknown): OutputUnit[] | null;
}

type Lookup = Record<string, Schema | boolean>;

/**
 * Build a registry from bundle entries. Each schema is registered under its file-name URI with its
 * `$id`/`id` rewritten to that URI first: `dereference` resolves relative `$ref`s against the
 * schema's own `$id`, and for 47 files that `$id` names another file (`body-weight-3.0.json` says
 * `body-weight-2.0.json`), which would otherwise make the file claim another file's URI ("Duplicate
 * schema URI") or resolve its refs against the wrong base. Then aliases: each `*.x.json` file, and
 * each original `$id` that differs from the file name, unless that URI already belongs to a file
 * (file-name URIs win) or two files claim it. Throws if any `$ref` stays unresolved, since the
 * library would otherwise throw at validation time with every known URI in the message.
 */
export function buildSchemaRegistry(files: readonly BundledSchemaFile[]): SchemaRegistry {
  const lookup: Lookup = Object.create(null) as Lookup;
  const ownIds = new Map<string, string[]>();

  for (const file of files) {
    if (file.kind !== 'schema') continue;
    const schema: unknown = JSON.parse(file.json);
    if (!isSchemaObject(schema)) throw new Error(`${file.path}: not a schema object`);
    const ownId = declaredId(schema);
    if (ownId !== null) {
      const resolved = stripFragment(new URL(ownId, file.uri).href);
      if (resolved !== file.uri) ownIds.set(resolved, [...(ownIds.get(resolved) ?? []), file.uri]);
    }
    delete schema.id;
    schema.$id = file.uri;
    dereference(schema, lookup);
  }

  const keysByDocument = groupKeysByDocument(lookup);
  for (const file of files) {
    if (file.kind !== 'alias') continue;
    if (lookup[file.target] === undefined)
      throw new Error(`${file.path}: alias target ${file.target} is not bundled`);
    addAlias(lookup, keysByDocument, file.uri, file.target);
  }

  for (const [id, claimants] of ownIds) {
    const [only] = claimants;
    if (claimants.length === 1 && only !== undefined && lookup[id] === undefined) {
      addAlias(lookup, keysByDocument, id, only);
    }
  }

  assertRefsResolve(lookup);

  return {
    has: (uri) => isRootUri(uri) && lookup[uri] !== undefined,
    validate(uri, instance) {
      const schema = isRootUri(uri) ? lookup[uri] : undefined;
      if (schema === undefined) return null;
      return validate(instance, schema, '7', lookup, false).errors;
    },
  };
}

let registry: SchemaRegistry | undefined;

/** The registry of all bundled schemas, built on first use and kept for the isolate's lifetime. */
export function getSchemaRegistry(): SchemaRegistry {
  registry ??= buildSchemaRegistry(BUNDLED_SCHEMA_FILES);
  return registry;
}

function isSchemaObject(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Draft 7 spells it `$id`, draft 4 `id`; the library reads `$id` first, so do we. */
function declaredId(schema: Schema): string | null {
  const id: unknown = schema.$id ?? schema.id;
  return typeof id === 'string' && id !== '' ? id : null;
}

function stripFragment(uri: string): string {
  const hash = uri.indexOf('#');
  return hash === -1 ? uri : uri.slice(0, hash);
}

/** Callers name whole documents; sub-schema entries (`...#/definitions/x`) are the library's business. */
function isRootUri(uri: string): boolean {
  return !uri.includes('#');
}

/** Lookup keys (`doc`, `doc#/definitions/x`, ...) per document URI, so aliasing a document is cheap. */
function groupKeysByDocument(lookup: Lookup): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const key of Object.keys(lookup)) {
    const document = stripFragment(key);
    const keys = groups.get(document);
    if (keys === undefined) groups.set(document, [key]);
    else keys.push(key);
  }
  return groups;
}

/** Make `alias` (and every `alias#pointer`) resolve to what `target` (and `target#pointer`) does. */
function addAlias(
  lookup: Lookup,
  keysByDocument: Map<string, string[]>,
  alias: string,
  target: string,
): void {
  for (const key of keysByDocument.get(target) ?? []) {
    const aliased = alias + key.slice(target.length);
    const value = lookup[key];
    if (lookup[aliased] === undefined && value !== undefined) lookup[aliased] = value;
  }
}

function assertRefsResolve(lookup: Lookup): void {
  for (const [uri, schema] of Object.entries(lookup)) {
    if (typeof schema === 'boolean') continue;
    const ref = schema.__absolute_ref__;
    if (ref !== undefined && lookup[ref] === undefined) throw new Error(`${uri}: unresolved $ref ${ref}`);
  }
}
