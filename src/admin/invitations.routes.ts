import { Hono } from 'hono';
import { createInvitation, invitationConfig, redeemInvitation, requireAuth } from '../auth';
import { listInvitations } from '../domain/clients';
import { patientToInvite } from '../domain/invitations';
import type { AppEnv } from '../env';
import { field, positiveInt } from '../http/body';
import { MAX_PAGE_SIZE, pageEnvelope, pageRequest } from '../http/paging';
import { apiRoute, type JsonSchema } from '../http/validate';
import { AppError } from '../lib/errors';
import { createdInvitationWire, invitationWire } from './invitations.wire';

const REQUIRED = ['This field is required.'];
const TAG = 'Invitations';

// Both ids are checked by the handler, which answers the upstream field map with the OAuth-ish
// `client_id` key left snake (A.3); the schema documents them and rejects non-objects.
const idLike: JsonSchema = { type: ['integer', 'string'] };
const createBody: JsonSchema = {
  type: 'object',
  description: 'patientId and client_id (the application pk) are both required.',
  properties: {
    patient_id: { ...idLike, description: 'Required.' },
    client_id: { ...idLike, description: 'Required: the application pk (clientId also accepted).' },
    send_email: { description: 'Accepted; no mail is sent from the edge.' },
  },
};

/** API.md B.8.2 create (practitioners) and redeem (public, the token is the credential); C.9 list. */
export const invitationRoutes = new Hono<AppEnv>()
  .get(
    '/',
    requireAuth,
    apiRoute({
      method: 'get',
      path: '/invitation',
      summary: 'Invitations (never their token), newest first',
      tag: TAG,
      access: 'Superusers see all; practitioners those of patients sharing an organization; others 403.',
      query: [
        { name: 'page', type: 'integer' },
        { name: 'page_size', type: 'integer', description: 'Default 1000 (alias pageSize).' },
      ],
      responses: { 200: 'A page of invitations.', 403: 'Not a practitioner.', 404: 'Invalid page.' },
    }),
    async (c) => {
      // A.5: a "default" list, 1000 per page.
      const request = pageRequest(c, MAX_PAGE_SIZE);
      const { count, invitations } = await listInvitations(c.get('db'), c.get('principal'), {
        offset: request.offset,
        limit: request.pageSize,
      });
      return c.json(pageEnvelope(c, request, count, invitations.map(invitationWire)));
    },
  )
  .post(
    '/',
    requireAuth,
    apiRoute<Record<string, unknown>>({
      method: 'post',
      path: '/invitation',
      summary: 'Invite a patient to a client app (current flow)',
      tag: TAG,
      access: 'Managers and members of one of the patient’s organizations, or superusers.',
      body: createBody,
      responses: {
        201: 'The invitation with its one-time token and invitation link.',
        400: 'Missing patientId or client_id.',
        403: 'Not allowed to invite this patient.',
        404: 'No such patient or client.',
      },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const patientId = positiveInt(field(body, 'patient_id'));
      const clientPk = positiveInt(field(body, 'client_id'));
      if (patientId === undefined || clientPk === undefined) {
        const errors = {
          ...(patientId === undefined && { patientId: REQUIRED }),
          ...(clientPk === undefined && { client_id: REQUIRED }),
        };
        throw new AppError('invalid', 'patient_id and client_id are required.', { body: errors });
      }
      const db = c.get('db');
      await patientToInvite(db, c.get('principal'), patientId);
      return c.json(
        createdInvitationWire(await createInvitation(db, invitationConfig(c.env), { patientId, clientPk })),
        201,
      );
    },
  )
  .post(
    '/:token',
    apiRoute({
      method: 'post',
      path: '/invitation/{token}',
      summary: 'Redeem an invitation token for an authorization-code grant',
      tag: TAG,
      access: 'Public: the token is the credential.',
      public: true,
      responses: {
        200: 'The grant to exchange at the token endpoint.',
        403: 'Cancelled.',
        404: 'Unknown or used token.',
        409: 'Reissued.',
        410: 'Expired.',
      },
    }),
    async (c) => c.json(await redeemInvitation(c.get('db'), invitationConfig(c.env), c.req.param('token'))),
  );
