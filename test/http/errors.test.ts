import { env, SELF } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app';
import { renderError } from '../../src/http/errors';
import { AppError } from '../../src/lib/errors';
import { accessTokenFor, bearer } from '../fixtures/oauth';
import { seedTestData } from '../fixtures/seed';

let token: string;
beforeAll(async () => {
  await seedTestData();
  token = await accessTokenFor(10002);
});

describe('unknown routes', () => {
  it('answer a DRF-style JSON 404 under /api/v1 and elsewhere', async () => {
    for (const path of ['/api/v1/nothing-here', '/no/such/page']) {
      const res = await SELF.fetch(`http://localhost${path}`);
      expect(res.status).toBe(404);
      expect(res.headers.get('Content-Type')).toBe('application/json');
      expect(await res.json()).toEqual({ detail: 'Not found.' });
    }
  });

  it('answer an OperationOutcome under either spelling of the FHIR base', async () => {
    for (const base of ['/FHIR/R5', '/fhir/r5', '/Fhir/R5']) {
      const res = await SELF.fetch(`http://localhost${base}/nothing/here/at/all`, { headers: bearer(token) });
      expect(res.status).toBe(404);
      expect(res.headers.get('Content-Type')).toBe('application/fhir+json');
      expect(await res.json()).toEqual({
        resourceType: 'OperationOutcome',
        issue: [
          { severity: 'error', code: 'not-found', diagnostics: 'Unsupported FHIR resource type: nothing.' },
        ],
      });
    }
  });

  it('answer RFC 6749 JSON with no-store under /o/', async () => {
    const res = await SELF.fetch('http://localhost/o/nothing-here/');
    expect(res.status).toBe(404);
    expect(res.headers.get('Cache-Control')).toBe('no-store');
    expect(await res.json()).toEqual({ error: 'not_found', error_description: 'Not found.' });
  });
});

describe('renderError', () => {
  it('uses the exact wire body an AppError carries on /api/v1', async () => {
    const res = renderError(
      new AppError('invalid', 'email missing', { body: ['Email is required to create a patient.'] }),
      '/api/v1/patients',
    );
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual(['Email is required to create a patient.']);
  });

  it('maps OAuth codes to their RFC 6749 status and body', async () => {
    const res = renderError(new AppError('invalid_grant', 'Code expired.'), '/o/token/');
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'invalid_grant', error_description: 'Code expired.' });
  });

  it('names the failing expression in a FHIR OperationOutcome', async () => {
    const res = renderError(
      new AppError('unprocessable', 'must be one of mg/dL, mmol/L', {
        expression: '$.body.blood_glucose.unit',
      }),
      '/FHIR/R5/Observation',
    );
    expect(res.status).toBe(422);
    expect(await res.json()).toEqual({
      resourceType: 'OperationOutcome',
      issue: [
        {
          severity: 'error',
          code: 'processing',
          diagnostics: 'must be one of mg/dL, mmol/L',
          expression: ['$.body.blood_glucose.unit'],
        },
      ],
    });
  });
});

describe('unexpected errors', () => {
  const app = createApp();
  app.get('/api/v1/boom', () => {
    throw new Error('SQLITE_ERROR near "SELECT password_hash FROM users"');
  });

  it('answer a generic 500 without the message, SQL or stack', async () => {
    const res = await app.request('/api/v1/boom', {}, env);
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ detail: 'A server error occurred.' });
    expect(text).not.toMatch(/SELECT|password|at /);
  });

  it('answer a generic OperationOutcome 500 under the FHIR base', async () => {
    const res = renderError(new TypeError('cannot read properties of undefined'), '/FHIR/R5/Observation');
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({
      resourceType: 'OperationOutcome',
      issue: [{ severity: 'error', code: 'exception', diagnostics: 'A server error occurred.' }],
    });
  });
});

describe('path normalisation', () => {
  it('treats one trailing slash as optional', async () => {
    const res = await SELF.fetch('http://localhost/health/');
    expect(res.status).toBe(200);
  });
});
