import { Hono } from 'hono';
import { createInvitationLink, invitationConfig, requireAuth } from '../auth';
import { patientToInvite } from '../domain/invitations';
import type { AppEnv } from '../env';
import { positiveInt, queryParam } from '../http/body';
import { AppError } from '../lib/errors';

const notFound = () => new AppError('not_found', 'No Patient matches the given query.');

export const patientRoutes = new Hono<AppEnv>()
  .use(requireAuth)
  // B.8.1: `client_id`/`application_id` name the application pk; `send_email` is accepted but no
  // mail transport is configured on the edge, so the link is only returned.
  .get('/:id/invitation_link', async (c) => {
    const id = positiveInt(c.req.param('id'));
    if (id === undefined) throw notFound();
    const db = c.get('db');
    const { userId } = await patientToInvite(db, c.get('principal'), id);
    const clientText = queryParam(c, 'client_id') ?? queryParam(c, 'application_id');
    const clientPk = clientText === undefined ? undefined : positiveInt(clientText);
    if (clientText !== undefined && clientPk === undefined)
      throw new AppError('not_found', 'No Client matches the given query.');
    const invitationLink = await createInvitationLink(db, invitationConfig(c.env), {
      userId,
      ...(clientPk && { clientPk }),
    });
    return c.json({ invitationLink });
  });
