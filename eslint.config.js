// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Folders a layer must not import (STYLE.md section 1: routers -> domain -> consent/omh -> db -> lib). */
const forbid = (...groups) => ({
  'no-restricted-imports': [
    'error',
    {
      patterns: groups.map((group) => ({
        group: [group],
        message: 'Breaks the dependency direction of STYLE.md section 1.',
      })),
    },
  ],
});
const NOT_HONO = ['hono', 'hono/*'];

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      '.wrangler/',
      'public/vendor/',
      'src/omh/bundled-schemas.generated.ts',
      'bench/results/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-non-null-assertion': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': ['error', { allow: ['info', 'warn', 'error'] }],
    },
  },
  {
    files: ['src/lib/**/*.ts'],
    rules: forbid(
      '../http/*',
      '../db/*',
      '../domain/*',
      '../consent/*',
      '../omh/*',
      '../auth/*',
      '../admin/*',
      '../fhir/*',
      '../portal/*',
      '../app',
      '../env',
      ...NOT_HONO,
    ),
  },
  {
    files: ['src/http/**/*.ts'],
    rules: forbid(
      '../db/*',
      '../domain/*',
      '../consent/*',
      '../omh/*',
      '../auth/*',
      '../admin/*',
      '../fhir/*',
      '../portal/*',
    ),
  },
  {
    files: ['src/db/**/*.ts'],
    rules: forbid(
      '../http/*',
      '../domain/*',
      '../consent/*',
      '../omh/*',
      '../auth/*',
      '../admin/*',
      '../fhir/*',
      '../portal/*',
      ...NOT_HONO,
    ),
  },
  {
    files: ['src/omh/**/*.ts'],
    rules: forbid(
      '../http/*',
      '../db/*',
      '../domain/*',
      '../consent/*',
      '../auth/*',
      '../admin/*',
      '../fhir/*',
      '../portal/*',
      ...NOT_HONO,
    ),
  },
  {
    files: ['src/consent/**/*.ts'],
    rules: forbid(
      '../http/*',
      '../domain/*',
      '../omh/*',
      '../auth/*',
      '../admin/*',
      '../fhir/*',
      '../portal/*',
      ...NOT_HONO,
    ),
  },
  {
    files: ['src/domain/**/*.ts'],
    rules: forbid(
      '../http/*',
      '../../http/*',
      '../auth/*',
      '../../auth/*',
      '../admin/*',
      '../../admin/*',
      '../fhir/*',
      '../../fhir/*',
      '../portal/*',
      ...NOT_HONO,
    ),
  },
  { files: ['src/auth/**/*.ts'], rules: forbid('../admin/*', '../fhir/*', '../portal/*', '../domain/*') },
  // Outside auth/, only auth/index.ts is public.
  { files: ['src/admin/**/*.ts'], rules: forbid('../fhir/*', '../auth/!(index)', '../db/*') },
  { files: ['src/fhir/**/*.ts'], rules: forbid('../admin/*', '../auth/!(index)', '../db/*') },
  {
    files: ['src/cli/**/*.ts', 'bench/**/*.ts', '*.config.ts', '*.config.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
    rules: { 'no-console': 'off' },
  },
);
