/**
 * Turns `@cfworker/json-schema` output units into the few issues a client can act on: one per
 * failing leaf keyword, with a JSON path into the uploaded document (API.md G.3: "A 422 names the
 * failing JSON path and keyword").
 */
import type { OutputUnit } from '@cfworker/json-schema';
import { isJsonObject } from './json';

/** One validation problem: `path` like `$.body.blood_glucose.unit`, the failing JSON Schema keyword, a readable message. */
export interface OmhIssue {
  path: string;
  keyword: string;
  message: string;
}

const FORBIDDEN = 'is not allowed here';

interface UnitNode {
  unit: OutputUnit;
  children: UnitNode[];
}

/**
 * Reduce output units (from a validation with short-circuit off) to issues. The units form a tree
 * by `keywordLocation` prefix; wrappers (`$ref`, `properties`, `allOf`, `items`: "A subschema had
 * errors") are dropped for their leaves. For a failed `oneOf`/`anyOf` only the alternative that got
 * furthest into the instance is reported: a `date_time` with a bad format should say so, not also
 * that `time_interval` is missing. `instance` is the validated value, used to tell array indexes
 * from keys; `rootPath` is its path in the document (`$`, `$.header`, `$.body`).
 */
export function toOmhIssues(units: readonly OutputUnit[], instance: unknown, rootPath: string): OmhIssue[] {
  const seen = new Set<string>();
  const issues: OmhIssue[] = [];
  for (const leaf of buildTree(units).flatMap(selectLeaves)) {
    const issue = toIssue(leaf, instance, rootPath);
    const key = `${issue.path}\u0000${issue.keyword}\u0000${issue.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push(issue);
  }
  return issues;
}

function buildTree(units: readonly OutputUnit[]): UnitNode[] {
  const roots: UnitNode[] = [];
  const stack: UnitNode[] = [];
  for (const original of units) {
    const parent = stack[stack.length - 1];
    // The library reports a `false` schema with keywordLocation = instanceLocation, right after the
    // unit of the keyword that applied it (`additionalProperties: false`): nest it there, named after
    // that keyword, so the issue sits at the offending property and says which rule forbids it.
    const unit =
      original.keyword === 'false' && parent !== undefined
        ? {
            ...original,
            keyword: parent.unit.keyword,
            keywordLocation: `${parent.unit.keywordLocation}/false`,
            error: FORBIDDEN,
          }
        : original;
    let top = stack[stack.length - 1];
    while (top !== undefined && !unit.keywordLocation.startsWith(`${top.unit.keywordLocation}/`)) {
      stack.pop();
      top = stack[stack.length - 1];
    }
    const node: UnitNode = { unit, children: [] };
    (top === undefined ? roots : top.children).push(node);
    stack.push(node);
  }
  return roots;
}

function selectLeaves(node: UnitNode): UnitNode[] {
  if (node.children.length === 0) return [node];
  const { keyword, error } = node.unit;
  if (keyword !== 'oneOf' && keyword !== 'anyOf') return node.children.flatMap(selectLeaves);
  // "(2 matches)": the instance fits several alternatives; their neighbours' errors are noise.
  if (keyword === 'oneOf' && !/\(0 matches\)/.test(error)) return [node];
  const prefix = `${node.unit.keywordLocation}/`;
  const branches = new Map<string, UnitNode[]>();
  for (const child of node.children) {
    const branch = child.unit.keywordLocation.slice(prefix.length).split('/')[0] ?? '';
    branches.set(branch, [...(branches.get(branch) ?? []), ...selectLeaves(child)]);
  }
  let best: UnitNode[] = [];
  for (const leaves of branches.values()) {
    if (best.length === 0 || isBetterBranch(leaves, best)) best = leaves;
  }
  return best;
}

/** Deeper into the instance wins; among equals, fewer complaints (the closer fit). */
function isBetterBranch(candidate: UnitNode[], current: UnitNode[]): boolean {
  const depthOf = (leaves: UnitNode[]) =>
    Math.max(...leaves.map((leaf) => pointerTokens(leaf.unit.instanceLocation).length));
  const candidateDepth = depthOf(candidate);
  const currentDepth = depthOf(current);
  return candidateDepth !== currentDepth ? candidateDepth > currentDepth : candidate.length < current.length;
}

function toIssue(node: UnitNode, instance: unknown, rootPath: string): OmhIssue {
  const { keyword, instanceLocation, error } = node.unit;
  return {
    path: toJsonPath(instanceLocation, instance, rootPath),
    keyword,
    message: describeFailure(keyword, error),
  };
}

/** Library messages reworded to say what the value must be; unknown wordings pass through. */
function describeFailure(keyword: string, error: string): string {
  const quoted = /"((?:[^"\\]|\\.)*)"/.exec(error)?.[1];
  switch (keyword) {
    case 'required':
      return quoted === undefined ? error : `missing required property "${quoted}"`;
    case 'enum': {
      const list = /any of (.*)\.$/.exec(error)?.[1];
      return list === undefined ? error : `must be one of ${list}`;
    }
    case 'type': {
      const types = /Instance type "(\w+)" is invalid\. Expected (.*)\.$/.exec(error);
      return types === null ? error : `must be of type ${types[2] ?? ''}, not "${types[1] ?? ''}"`;
    }
    case 'format':
      return quoted === undefined ? error : `must be a valid ${quoted} (JSON Schema format "${quoted}")`;
    case 'oneOf':
      return 'must match exactly one of the alternatives the schema allows, but matches several';
    case 'false':
      return FORBIDDEN;
    default:
      return error.replace(/^Instance /, 'value ');
  }
}

/** `#/a/0/b c` -> `$.a[0]['b c']`, reading `instance` to tell arrays from objects. */
function toJsonPath(instanceLocation: string, instance: unknown, rootPath: string): string {
  let path = rootPath;
  let current: unknown = instance;
  for (const token of pointerTokens(instanceLocation)) {
    if (Array.isArray(current)) {
      path += `[${token}]`;
      current = current[Number(token)];
      continue;
    }
    path += /^[A-Za-z_][A-Za-z0-9_]*$/.test(token) ? `.${token}` : `['${token.replace(/[\\']/g, '\\$&')}']`;
    current = isJsonObject(current) ? current[token] : undefined;
  }
  return path;
}

/** Tokens of a URI-fragment JSON pointer as the library writes them (`encodeURI` over RFC 6901 escapes). */
function pointerTokens(instanceLocation: string): string[] {
  const pointer = instanceLocation.startsWith('#') ? instanceLocation.slice(1) : instanceLocation;
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((token) => safeDecode(token).replace(/~1/g, '/').replace(/~0/g, '~'));
}

function safeDecode(token: string): string {
  try {
    return decodeURIComponent(token);
  } catch {
    return token;
  }
}
