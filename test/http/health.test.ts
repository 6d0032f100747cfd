import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import pkg from '../../package.json';

describe('GET /health', () => {
  it('answers ok with the package version', async () => {
    const res = await SELF.fetch('http://localhost/health');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', version: `v${pkg.version}` });
  });

  it('carries a request id', async () => {
    const res = await SELF.fetch('http://localhost/health', { headers: { 'X-Request-Id': 'abc-123' } });
    expect(res.headers.get('X-Request-Id')).toBe('abc-123');
  });
});
