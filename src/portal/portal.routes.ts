/**
 * The web portal's page routes (API.md A.1): `/` (home/login), the portal under both prefixes
 * (`/portal/...` [S], `/clients/jhe-admin/...` [U]) and the OIDC callback pages all answer with
 * the single-page app's `public/portal/index.html`; the app routes on the path in the browser.
 */
import { Hono, type Context, type Next } from 'hono';
import type { AppEnv } from '../env';
import { AppError } from '../lib/errors';
import { base64 } from '../lib/encoding';

/** The shell page inside the static assets. */
const INDEX_PATH = '/portal/index.html';

/**
 * A path whose last segment has an extension names a file (a module, a stylesheet): those are
 * left to the static-asset fallback so a missing file stays a 404 instead of the shell.
 */
function namesFile(pathname: string): boolean {
  return /\.[A-Za-z0-9]+$/.test(pathname.slice(pathname.lastIndexOf('/') + 1));
}

async function sha256Base64(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
  return base64(digest);
}

/**
 * A strict Content-Security-Policy: scripts only from this origin, plus the page's one inline
 * script, the import map (browsers load import maps only inline), allowed by its hash (CSP 3
 * "hash-source"). The portal handles bearer tokens: no third-party script may run beside it.
 */
async function contentSecurityPolicy(page: string): Promise<string> {
  const importMap = /<script type="importmap">([\s\S]*?)<\/script>/.exec(page)?.[1];
  const scriptSrc = importMap === undefined ? "'self'" : `'self' 'sha256-${await sha256Base64(importMap)}'`;
  return [
    "default-src 'self'",
    `script-src ${scriptSrc}`,
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

async function servePortal(c: Context<AppEnv>, next: Next) {
  const pathname = new URL(c.req.url).pathname;
  if (namesFile(pathname)) return next();
  const assets = c.env.ASSETS;
  if (!assets) throw new AppError('misconfigured', 'Server misconfigured: no ASSETS binding for the portal.');
  const asset = await assets.fetch(new Request(new URL(INDEX_PATH, c.req.url)));
  if (!asset.ok) throw new AppError('misconfigured', `Server misconfigured: ${INDEX_PATH} is missing.`);
  const page = await asset.text();
  return c.html(page, 200, {
    'Content-Security-Policy': await contentSecurityPolicy(page),
    // The shell changes with every deployment and the callback URL carries a one-time code.
    'Cache-Control': 'no-cache',
    'Referrer-Policy': 'no-referrer',
    'X-Content-Type-Options': 'nosniff',
  });
}

/** Routes are declared without the trailing slash: the app treats one as optional (A.2). */
export const portalRoutes = new Hono<AppEnv>()
  .get('/', servePortal)
  .get('/portal', servePortal)
  .get('/portal/*', servePortal)
  .get('/clients/jhe-admin', servePortal)
  .get('/clients/jhe-admin/*', servePortal)
  .get('/auth/callback', servePortal)
  .get('/auth/callback_popup', servePortal)
  .get('/auth/login', servePortal);
