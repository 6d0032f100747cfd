/**
 * The seed README's "Use Case Example", through the real endpoints: sign up, create a
 * sub-organization, study, patient, data source and scope, enrol, invite, swap the invitation code
 * for a patient token, consent, upload, and read the data back as the practitioner.
 */
import { env } from 'cloudflare:test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { base64FromUtf8 } from '../../src/lib/encoding';
import { api } from '../fixtures/api';
import { bloodPressurePoint } from '../fixtures/fhir';
import { CookieJar, followRedirects, openForm, submitForm } from '../fixtures/forms';
import { pkcePair, postToken } from '../fixtures/oauth';
import { seedTestData, TEST_CLIENT_IDS, TEST_SITE_URL } from '../fixtures/seed';

const CALLBACK = `${TEST_SITE_URL}/auth/callback`;
const PREFIX =
  'https://play.google.com/store/apps/details?id=org.thecommonsproject.android.phr.dev&referrer=cloud_sharing=';

async function setDefaultOrgs(value: string): Promise<void> {
  await env.DB.prepare("UPDATE settings SET value = ? WHERE key = 'auth.default_orgs'").bind(value).run();
}

beforeAll(async () => {
  await seedTestData();
  // New practitioners join UC Berkeley as managers, so they may create sub-organizations there.
  await setDefaultOrgs('20001:manager');
});
afterAll(async () => {
  await setDefaultOrgs('');
});

describe('seed README use case', () => {
  it('runs from signup to reading uploaded observations', async () => {
    // 1. Sign up from the web UI (session cookie in the jar).
    const email = `researcher-${crypto.randomUUID().slice(0, 8)}@example.com`;
    const jar = new CookieJar();
    const signupUrl = `${TEST_SITE_URL}/accounts/signup/`;
    const signup = await submitForm(signupUrl, await openForm(signupUrl, jar), {
      email,
      password: 'Secret-123',
      password2: 'Secret-123',
      joincode: 'jhe',
    });
    expect(signup.status).toBe(302);

    // Programmatic practitioner token (B.7): authorize with the session, then the token endpoint.
    const { verifier, challenge } = await pkcePair();
    const authorize = `${TEST_SITE_URL}/o/authorize/?${new URLSearchParams({ client_id: TEST_CLIENT_IDS.admin_ui, response_type: 'code', redirect_uri: CALLBACK, scope: 'openid', code_challenge: challenge, code_challenge_method: 'S256' })}`;
    const landed = await followRedirects(authorize, jar, {
      stopAt: (url) => url.pathname === '/auth/callback',
    });
    const tokens = await postToken({
      grant_type: 'authorization_code',
      code: landed.url.searchParams.get('code') ?? '',
      redirect_uri: CALLBACK,
      client_id: TEST_CLIENT_IDS.admin_ui,
      code_verifier: verifier,
    });
    const token = String(tokens.body.access_token);

    // 2. A new (sub-)organization: the creator becomes its manager.
    const org = await api<{ id: number; currentUserRole: string }>('/api/v1/organizations', token, {
      method: 'POST',
      body: { name: 'Use Case Lab', type: 'laboratory', partOf: 20001 },
    });
    expect(org.status).toBe(201);
    expect(org.body.currentUserRole).toBe('manager');

    // 3. A study of the organization.
    const study = await api<{ id: number }>('/api/v1/studies', token, {
      method: 'POST',
      body: { name: 'Use Case Study', description: 'BP', organization: org.body.id },
    });
    expect(study.status).toBe(201);

    // 4. A patient of the organization, with another email.
    const patientEmail = `participant-${crypto.randomUUID().slice(0, 8)}@example.com`;
    const patient = await api<{ id: number }>('/api/v1/patients', token, {
      method: 'POST',
      body: {
        organizationId: org.body.id,
        telecomEmail: patientEmail,
        nameFamily: 'Case',
        nameGiven: 'Una',
        birthDate: '1990-01-03',
        telecomPhone: '+1-202-555-0342',
      },
    });
    expect(patient.status).toBe(201);

    // 5. Data source and scope request on the study.
    expect(
      (
        await api(`/api/v1/studies/${study.body.id}/data_sources`, token, {
          method: 'POST',
          body: { data_source_id: 70001 },
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await api(`/api/v1/studies/${study.body.id}/scope_requests`, token, {
          method: 'POST',
          body: { scope_code_id: 50002 },
        })
      ).status,
    ).toBe(201);

    // 6. Add the patient to the study.
    expect(
      (
        await api(`/api/v1/studies/${study.body.id}/patients`, token, {
          method: 'POST',
          body: { patientIds: [patient.body.id] },
        })
      ).status,
    ).toBe(201);

    // 7-8. Invitation link, and its code swapped for a patient token with the static verifier.
    const link = await api<{ invitationLink: string }>(
      `/api/v1/patients/${patient.body.id}/invitation_link`,
      token,
    );
    const code = decodeURIComponent(link.body.invitationLink.slice(PREFIX.length)).split('|')[1] ?? '';
    const patientTokens = await postToken({
      code,
      grant_type: 'authorization_code',
      redirect_uri: CALLBACK,
      client_id: TEST_CLIENT_IDS.admin_ui,
      code_verifier: String(env.PATIENT_AUTHORIZATION_CODE_VERIFIER),
    });
    const patientToken = String(patientTokens.body.access_token);
    expect(
      (await api<{ patient: { id: number } }>('/api/v1/users/profile', patientToken)).body.patient.id,
    ).toBe(patient.body.id);

    // The patient consents to the study's scope (consent is authorization).
    const consent = await api(`/api/v1/patients/${patient.body.id}/consents`, patientToken, {
      method: 'POST',
      body: {
        studyScopeConsents: [
          {
            studyId: study.body.id,
            scopeConsents: [
              {
                codingSystem: 'https://w3id.org/openmhealth',
                codingCode: 'omh:blood-pressure:4.0',
                consented: true,
              },
            ],
          },
        ],
      },
    });
    expect(consent.status).toBe(201);

    // 9. Upload through FHIR with the patient token.
    const upload = await api<{ entry: { response: { status: string } }[] }>('/fhir/r5/', patientToken, {
      method: 'POST',
      body: {
        resourceType: 'Bundle',
        type: 'batch',
        entry: [
          {
            resource: {
              resourceType: 'Observation',
              status: 'final',
              code: { coding: [{ system: 'https://w3id.org/openmhealth', code: 'omh:blood-pressure:4.0' }] },
              subject: { reference: `Patient/${patient.body.id}` },
              device: { reference: 'Device/70001' },
              valueAttachment: {
                contentType: 'application/json',
                data: base64FromUtf8(JSON.stringify(bloodPressurePoint())),
              },
            },
            request: { method: 'POST', url: 'Observation' },
          },
        ],
      },
    });
    expect(upload.body.entry[0]?.response.status).toBe('201 Created');

    // 10. The practitioner sees it: admin list and FHIR search through the study.
    const listed = await api<{ count: number; results: { subjectPatientId: number }[] }>(
      `/api/v1/observations?study_id=${study.body.id}`,
      token,
    );
    expect(listed.body.count).toBe(1);
    expect(listed.body.results[0]?.subjectPatientId).toBe(patient.body.id);
    const fhir = await api<{ total: number }>(
      `/fhir/r5/Observation?patient._has:Group:member:_id=${study.body.id}`,
      token,
    );
    expect(fhir.body.total).toBe(1);
  });
});
