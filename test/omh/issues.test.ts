import { describe, expect, it } from 'vitest';
import { toOmhIssues } from '../../src/omh/issues';
import { buildSchemaRegistry } from '../../src/omh/registry';
import { toBundledSchemaFile } from '../../src/omh/schema-files';

const URI = 'https://w3id.org/openmhealth/schemas/omh/test-1.0.json';

function issuesFor(schema: object, instance: unknown) {
  const registry = buildSchemaRegistry([toBundledSchemaFile('omh/test-1.0.json', JSON.stringify(schema))]);
  return toOmhIssues(registry.validate(URI, instance) ?? [], instance, '$.body');
}

describe('toOmhIssues', () => {
  it('reports a property forbidden by `additionalProperties: false` at the property', () => {
    const schema = { type: 'object', additionalProperties: false, properties: { value: { type: 'number' } } };
    expect(issuesFor(schema, { value: 1, extra: true })).toEqual([
      { path: '$.body.extra', keyword: 'additionalProperties', message: 'is not allowed here' },
    ]);
  });

  it('writes keys that are not identifiers in bracket notation, unescaping the pointer', () => {
    const schema = {
      type: 'object',
      properties: { 'a b/c~d': { type: 'string' }, "it's": { type: 'string' } },
    };
    expect(issuesFor(schema, { 'a b/c~d': 1, "it's": 2 })).toEqual([
      { path: "$.body['a b/c~d']", keyword: 'type', message: 'must be of type "string", not "number"' },
      { path: "$.body['it\\'s']", keyword: 'type', message: 'must be of type "string", not "number"' },
    ]);
  });

  it('tells array indexes from numeric keys', () => {
    const schema = {
      type: 'object',
      properties: {
        list: { type: 'array', items: { type: 'string' } },
        map: { type: 'object', additionalProperties: { type: 'string' } },
      },
    };
    expect(issuesFor(schema, { list: ['a', 2], map: { '0': 3 } })).toEqual([
      { path: '$.body.list[1]', keyword: 'type', message: 'must be of type "string", not "number"' },
      { path: "$.body.map['0']", keyword: 'type', message: 'must be of type "string", not "number"' },
    ]);
  });

  it('reports only the anyOf alternative that got deepest into the instance', () => {
    const schema = {
      anyOf: [
        { type: 'object', required: ['a'] },
        {
          type: 'object',
          properties: { b: { type: 'object', properties: { c: { enum: ['x'] } } } },
          required: ['b'],
        },
      ],
    };
    expect(issuesFor(schema, { b: { c: 'y' } })).toEqual([
      { path: '$.body.b.c', keyword: 'enum', message: 'must be one of ["x"]' },
    ]);
  });

  it('keeps library wording it has no rewrite for, minus the "Instance" subject', () => {
    expect(issuesFor({ const: 'x' }, 'y')).toEqual([
      { path: '$.body', keyword: 'const', message: 'value does not match "x".' },
    ]);
    expect(issuesFor({ type: 'number', minimum: 10 }, 5)).toEqual([
      { path: '$.body', keyword: 'minimum', message: '5 is less than 10.' },
    ]);
    expect(issuesFor({ type: 'string', minLength: 2 }, 'a')).toEqual([
      { path: '$.body', keyword: 'minLength', message: 'String is too short (1 < 2).' },
    ]);
  });

  it('returns no issues for a valid instance', () => {
    expect(issuesFor({ type: 'number' }, 5)).toEqual([]);
  });
});
