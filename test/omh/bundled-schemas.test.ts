/// <reference types="vite/client" />
import { describe, expect, it } from 'vitest';
import { BUNDLED_SCHEMA_FILES } from '../../src/omh/bundled-schemas.generated';
import { compareBundlePaths, toBundledSchemaFile } from '../../src/omh/schema-files';

// Tests run inside workerd without file-system access; Vite inlines the vendored files at build time.
const SCHEMA_TEXTS = import.meta.glob<string>(['../../schemas/omh/*.json', '../../schemas/ieee/**/*.json'], {
  query: '?raw',
  import: 'default',
  eager: true,
});

describe('BUNDLED_SCHEMA_FILES', () => {
  it('matches schemas/ exactly (run `npm run omh:bundle` when this fails)', () => {
    const expected = Object.entries(SCHEMA_TEXTS)
      .map(([file, text]) => toBundledSchemaFile(file.replace('../../schemas/', ''), text))
      .sort((a, b) => compareBundlePaths(a.path, b.path));
    expect(BUNDLED_SCHEMA_FILES).toEqual(expected);
  });

  it('holds 302 files: 193 schemas and 109 `*.x.json` aliases', () => {
    expect(BUNDLED_SCHEMA_FILES).toHaveLength(302);
    expect(BUNDLED_SCHEMA_FILES.filter((file) => file.kind === 'schema')).toHaveLength(193);
    expect(BUNDLED_SCHEMA_FILES.filter((file) => file.kind === 'alias')).toHaveLength(109);
  });

  it('names IEEE files by the flattened base URI', () => {
    expect(BUNDLED_SCHEMA_FILES.find((file) => file.path === 'ieee/utility/time-frame-1.0.json')?.uri).toBe(
      'https://w3id.org/ieee/ieee-1752-schema/time-frame-1.0.json',
    );
  });

  it('records a `*.x.json` symlink as an alias of its target', () => {
    expect(BUNDLED_SCHEMA_FILES.find((file) => file.path === 'omh/blood-pressure-4.x.json')).toEqual({
      kind: 'alias',
      path: 'omh/blood-pressure-4.x.json',
      uri: 'https://w3id.org/openmhealth/schemas/omh/blood-pressure-4.x.json',
      target: 'https://w3id.org/openmhealth/schemas/omh/blood-pressure-4.0.json',
    });
  });

  it('is sorted by path', () => {
    const paths = BUNDLED_SCHEMA_FILES.map((file) => file.path);
    expect(paths).toEqual([...paths].sort(compareBundlePaths));
  });
});
