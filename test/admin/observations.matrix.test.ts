import { beforeAll, expect } from 'vitest';
import { actorTokens, type Actor } from '../fixtures/actors';
import { FORBIDDEN } from '../fixtures/api';
import { describeMatrix, type MatrixCaller, type MatrixCase, type MatrixResponse } from '../fixtures/matrix';
import { seedTestData } from '../fixtures/seed';

/**
 * E.2/E.4/E.5 for `GET /api/v1/observations`: practitioners read what consent exposes through their
 * organizations' studies (the superuser is an ordinary reader); a study filter outside the caller's
 * organizations is 403; patients 403; no token 401. `ids` are the seeded observations returned.
 */
interface Expectation {
  status: number;
  ids?: number[];
}

const BIDS = [60001, 60002, 60003, 60004, 60005];
const STUDY_FORBIDDEN = { detail: 'Current User does not have authorization to access this Study.' };

const MATRIX: Record<string, Partial<Record<MatrixCaller, Expectation>>> = {
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

/** The seeded observations of a 200 page (the list envelope of C.7). */
const seededIds = (res: MatrixResponse) =>
  (res.body as { results: { id: number }[] }).results
    .map((r) => r.id)
    .filter((id) => id <= 60009)
    .sort();

const CASES: readonly MatrixCase[] = Object.entries(MATRIX).map(([action, row]) => ({
  action,
  request: async () => ({
    path: `/api/v1${action.slice('GET '.length)}${action.includes('?') ? '&' : '?'}page_size=1000`,
  }),
  expected: Object.fromEntries(Object.entries(row).map(([caller, { status }]) => [caller, status])),
  verify: (res, caller) => {
    const expected = row[caller];
    if (expected?.ids) expect(seededIds(res)).toEqual(expected.ids);
    if (expected?.status === 403) {
      expect(res.body).toEqual(
        action.includes('study_id') && caller !== 'patient' ? STUDY_FORBIDDEN : FORBIDDEN,
      );
    }
  },
}));

describeMatrix('observations access matrix (API.md E.2, E.4, E.5, C.7)', CASES, { tokens: () => tokens });
