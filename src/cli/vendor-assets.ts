/**
 * `npm run assets:vendor` (run by prestart, predev and pretest): copy the browser builds of the
 * libraries the static pages load into `public/vendor/<name>/` (git-ignored). The portal has no
 * build step: its import map points the bare specifiers at these files.
 */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface VendorPackage {
  /** npm package under node_modules/. */
  pkg: string;
  /** Folder under public/vendor/. */
  name: string;
  /** Paths inside the package, copied flat into the folder. */
  files: string[];
}

const VENDORED: VendorPackage[] = [
  {
    pkg: 'swagger-ui-dist',
    name: 'swagger-ui',
    files: ['swagger-ui-bundle.js', 'swagger-ui.css', 'favicon-16x16.png', 'favicon-32x32.png', 'LICENSE'],
  },
  {
    pkg: 'preact',
    name: 'preact',
    files: ['dist/preact.module.js', 'hooks/dist/hooks.module.js', 'LICENSE'],
  },
  { pkg: 'htm', name: 'htm', files: ['dist/htm.module.js', 'LICENSE'] },
  // The ES module build imports `jwt-decode` by its bare name; the import map resolves it.
  { pkg: 'oidc-client-ts', name: 'oidc-client-ts', files: ['dist/esm/oidc-client-ts.js', 'LICENSE'] },
  { pkg: 'jwt-decode', name: 'jwt-decode', files: ['build/esm/index.js', 'LICENSE'] },
];

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

const vendorRoot = join(root, 'public', 'vendor');
mkdirSync(vendorRoot, { recursive: true });
// Generated copies of node_modules files: never committed, whatever the root .gitignore says.
writeFileSync(join(vendorRoot, '.gitignore'), '*\n');

let copied = 0;
for (const { pkg, name, files } of VENDORED) {
  const target = join(vendorRoot, name);
  mkdirSync(target, { recursive: true });
  for (const file of files) {
    copyFileSync(join(root, 'node_modules', pkg, file), join(target, basename(file)));
    copied += 1;
  }
}
console.info(`Vendored ${copied} files of ${VENDORED.length} packages into public/vendor/.`);
