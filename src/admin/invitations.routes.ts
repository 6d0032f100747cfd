import { Hono } from 'hono';
import { createInvitation, invitationConfig, redeemInvitation, requireAuth } from '../auth';
import { patientToInvite } from '../domain/invitations';
import type { AppEnv } from '../env';
import { field, positiveInt, readJsonObject } from '../http/body';
import { AppError } from '../lib/errors';
import { createdInvitationWire } from './invitations.wire';

const REQUIRED = ['This field is required.'];

/** API.md B.8.2: create (practitioners) and redeem (public, the token is the credential). */
export const invitationRoutes = new Hono<AppEnv>()
  .post('/', requireAuth, async (c) => {
    const body = await readJsonObject(c);
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
  })
  .post('/:token', async (c) =>
    c.json(await redeemInvitation(c.get('db'), invitationConfig(c.env), c.req.param('token'))),
  );
