import { Hono } from 'hono';
import type { AppEnv } from '../env';
import { buildOpenApiDocument } from '../http/openapi';
import { API_ROUTES } from '../http/validate';
import { VERSION } from '../lib/version';

const SCHEMA_PATH = '/api/schema/';
/** Copied from swagger-ui-dist by `npm run assets:vendor`, served as static assets (never a CDN). */
const VENDOR = '/vendor/swagger-ui';

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

const INIT_SCRIPT = `window.ui = SwaggerUIBundle({
  url: ${JSON.stringify(SCHEMA_PATH)},
  dom_id: '#swagger-ui',
  deepLinking: true,
  persistAuthorization: true,
  validatorUrl: null
});
`;

// Everything from our own origin; Swagger UI needs inline styles and data: images.
const CSP =
  "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'";

function swaggerPage(title: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} API</title>
<link rel="stylesheet" href="${VENDOR}/swagger-ui.css">
<link rel="icon" type="image/png" href="${VENDOR}/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui"></div>
<script src="${VENDOR}/swagger-ui-bundle.js"></script>
<script src="/api/schema/swagger-ui/init.js"></script>
</body>
</html>
`;
}

/**
 * API.md A.1 (optional): the OpenAPI 3.1 document at `/api/schema/`, built per request from the
 * route registry, and Swagger UI at `/api/schema/swagger-ui/`. Public, like upstream's.
 */
export const openapiRoutes = new Hono<AppEnv>()
  .get('/api/schema', (c) =>
    c.json(
      buildOpenApiDocument(API_ROUTES, {
        title: c.env.SITE_TITLE || 'JupyterHealth Exchange',
        version: VERSION,
        serverUrl: new URL(c.req.url).origin,
        basePath: '/api/v1',
      }),
    ),
  )
  .get('/api/schema/swagger-ui', (c) => {
    c.header('Content-Security-Policy', CSP);
    return c.html(swaggerPage(c.env.SITE_TITLE || 'JupyterHealth Exchange'));
  })
  .get('/api/schema/swagger-ui/init.js', (c) => {
    c.header('Content-Type', 'text/javascript; charset=utf-8');
    return c.body(INIT_SCRIPT);
  });
