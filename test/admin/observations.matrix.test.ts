import { beforeAll, describe, expect, it } from 'vitest';
import { actorTokens, type Actor } from '../fixtures/actors';
import { api } from '../fixtures/api';
import { seedTestData } from '../fixtures/seed';

/**
 * E.2/E.4/E.5 for `GET /api/v1/observations`: practitioners read what consent exposes through their
 * organizations' studies (the superuser is an ordinary reader); a study filter outside the caller's
 * organizations is 403; patients 403; no token 401. `ids` are the seeded observations returned.
 */
type Caller = Actor | 'anonymous';
interface Expectation {
  status: number;
  ids?: number[];
}

const BIDS = [60001, 60002, 60003, 60004, 60005];
const FORBIDDEN = { detail: 'You do not have permission to perform this action.' };
const STUDY_FORBIDDEN = { detail: 'Current User does not have authorization to access this Study.' };

const MATRIX: Record<string, Partial<Record<Caller, Expectation>>> = {
  'GET /observations': {
    superuser: { status: 200, ids: [] },
    manager: { status: 200, ids: BIDS },
    member: { status: 200, ids: BIDS },
    viewer: { status: 200, ids: BIDS },
    outsider: { status: 200, ids: [60006, 60008] },
    patient: { status: 403 },
    anonymous: { status: 401 },
  },
  'GET /observations?study_id=30001': {
    superuser: { status: 403 },
    manager: { status: 200, ids: BIDS },
    member: { status: 200, ids: BIDS },
    viewer: { status: 200, ids: BIDS },
    outsider: { status: 403 },
    patient: { status: 403 },
    anonymous: { status: 401 },
  },
  'GET /observations?study_id=30004': {
    superuser: { status: 403 },
    manager: { status: 403 },
    member: { status: 403 },
    viewer: { status: 403 },
    outsider: { status: 200, ids: [60006] },
    patient: { status: 403 },
    anonymous: { status: 401 },
  },
  'GET /observations?patient_id=40003': {
    manager: { status: 200, ids: [] },
    outsider: { status: 200, ids: [60006] },
  },
};

let tokens: Record<Actor, string>;

beforeAll(async () => {
  await seedTestData();
  tokens = await actorTokens();
});

describe('observations access matrix (API.md E.2, E.4, E.5, C.7)', () => {
  for (const [action, row] of Object.entries(MATRIX)) {
    for (const [caller, expected] of Object.entries(row) as [Caller, Expectation][]) {
      it(`${action} as ${caller} -> ${expected.status}`, async () => {
        const path = `/api/v1${action.slice('GET '.length)}${action.includes('?') ? '&' : '?'}page_size=1000`;
        const res = await api<{ results: { id: number }[] }>(
          path,
          caller === 'anonymous' ? null : tokens[caller],
        );
        expect(res.status).toBe(expected.status);
        if (expected.ids) {
          expect(
            res.body.results
              .map((r) => r.id)
              .filter((id) => id <= 60009)
              .sort(),
          ).toEqual(expected.ids);
        }
        if (expected.status === 403) {
          expect(res.body).toEqual(
            action.includes('study_id') && caller !== 'patient' ? STUDY_FORBIDDEN : FORBIDDEN,
          );
        }
      });
    }
  }
});
