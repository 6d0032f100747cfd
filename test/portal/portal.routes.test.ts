import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';

const SHELL_PATHS = [
  '/',
  '/portal',
  '/portal/',
  '/portal/organizations/20003',
  '/clients/jhe-admin/',
  '/clients/jhe-admin/studies/30001',
  '/auth/callback',
  '/auth/callback/',
  '/auth/callback_popup/',
  '/auth/login/',
];

async function sha256Base64(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
  return btoa(String.fromCharCode(...digest));
}

describe('portal pages (API.md A.1)', () => {
  it('serve the single-page shell on /, both portal prefixes and the OIDC callback pages', async () => {
    for (const path of SHELL_PATHS) {
      const res = await SELF.fetch(`http://localhost${path}`);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('Content-Type'), path).toMatch(/^text\/html/);
      const body = await res.text();
      expect(body, path).toContain('<script type="module" src="/portal/app.js"></script>');
      expect(body, path).toContain('<script src="/common/server-settings.js"></script>');
    }
  });

  it('send a strict CSP whose only inline allowance is the hash of the import map', async () => {
    const res = await SELF.fetch('http://localhost/portal/');
    const body = await res.text();
    const importMap = /<script type="importmap">([\s\S]*?)<\/script>/.exec(body)?.[1];
    expect(importMap).toBeDefined();
    const csp = res.headers.get('Content-Security-Policy') ?? '';
    expect(csp).toContain(`script-src 'self' 'sha256-${await sha256Base64(importMap ?? '')}'`);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers.get('Cache-Control')).toBe('no-cache');
    expect(res.headers.get('Referrer-Policy')).toBe('no-referrer');
  });

  it('leave the portal modules to the static assets, and a missing file is a 404', async () => {
    const app = await SELF.fetch('http://localhost/portal/app.js');
    expect(app.status).toBe(200);
    expect(app.headers.get('Content-Type')).toMatch(/javascript/);
    expect(await app.text()).toContain("from 'preact'");
    const missing = await SELF.fetch('http://localhost/portal/no-such-view.js');
    expect(missing.status).toBe(404);
    await missing.arrayBuffer();
  });

  it('do not shadow the API: an unknown /api/v1 path stays a JSON 404', async () => {
    const res = await SELF.fetch('http://localhost/api/v1/portal');
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ detail: 'Not found.' });
  });
});
