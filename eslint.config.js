// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * STYLE.md section 1: the folders under src/ each layer may import (the table is exhaustive and
 * acyclic: routers -> domain -> consent/omh -> db -> lib). `auth/index` means only auth's public
 * face. `env` (types) and `app` are the composition root's.
 */
const LAYERS = {
  lib: [],
  http: ['lib', 'env'],
  db: ['lib'],
  omh: ['lib'],
  consent: ['db', 'lib'],
  domain: ['consent', 'omh', 'db', 'lib'],
  auth: ['db', 'http', 'lib', 'env'],
  admin: ['domain', 'auth/index', 'http', 'lib', 'env'],
  fhir: ['domain', 'auth/index', 'http', 'lib', 'env'],
  portal: ['http', 'lib', 'env'],
};
/** Layers that must not know the web framework (they take `(db, principal, input)`). */
const WITHOUT_HONO = ['lib', 'db', 'omh', 'consent', 'domain'];
const FOLDERS = [...Object.keys(LAYERS), 'app', 'env'];

/** Import patterns a layer may not use: every other folder, and `auth/*` but its index when allowed. */
function forbidden(layer) {
  const allowed = LAYERS[layer];
  // From src/<layer>/ and one folder deeper (src/domain/seed/...).
  const groups = FOLDERS.filter((f) => f !== layer && !allowed.includes(f)).flatMap((f) =>
    ['../', '../../'].map((up) =>
      // gitignore syntax: a negated line re-allows auth's index inside the same group.
      f === 'auth' && allowed.includes('auth/index')
        ? [`${up}auth/*`, `!${up}auth/index`]
        : [`${up}${f}`, `${up}${f}/*`],
    ),
  );
  if (WITHOUT_HONO.includes(layer)) groups.push(['hono', 'hono/*']);
  return {
    'no-restricted-imports': [
      'error',
      {
        patterns: groups.map((group) => ({
          group,
          message: `STYLE.md section 1: src/${layer} may import only ${allowed.join(', ') || 'nothing in src'}.`,
        })),
      },
    ],
  };
}

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
  ...Object.keys(LAYERS).map((layer) => ({ files: [`src/${layer}/**/*.ts`], rules: forbidden(layer) })),
  {
    files: ['src/cli/**/*.ts', 'bench/**/*.ts', '*.config.ts', '*.config.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
    rules: { 'no-console': 'off' },
  },
);
