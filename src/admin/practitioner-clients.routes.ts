import { Hono, type Context } from 'hono';
import { createApiKey, deleteApiKey, getApiKey, listApiKeys, requireAuth } from '../auth';
import { can } from '../consent';
import type { AppEnv } from '../env';
import { field, positiveInt, readJsonObject } from '../http/body';
import { pageEnvelope, pageRequest, MAX_PAGE_SIZE } from '../http/paging';
import { AppError } from '../lib/errors';

/** The practitioner's user id, or 403 for patients and bare clients (E.2). */
function ownerOf(c: Context<AppEnv>): number {
  const principal = c.get('principal');
  if (!can(principal, 'api_key.own') || principal.kind !== 'practitioner') {
    throw new AppError('forbidden', 'You do not have permission to perform this action.');
  }
  return principal.userId;
}

function keyId(c: Context<AppEnv>): number {
  const id = positiveInt(c.req.param('id'));
  if (id === undefined) throw new AppError('not_found', 'Not found.');
  return id;
}

/** API.md C.11: the caller's own API keys; the `key` is shown once, on creation. */
export const practitionerClientRoutes = new Hono<AppEnv>()
  .use(requireAuth)
  .post('/', async (c) => {
    const name = field(await readJsonObject(c), 'name');
    return c.json(
      await createApiKey(c.get('db'), ownerOf(c), typeof name === 'string' ? name : undefined),
      201,
    );
  })
  .get('/', async (c) => {
    const keys = await listApiKeys(c.get('db'), ownerOf(c));
    const request = pageRequest(c, MAX_PAGE_SIZE);
    return c.json(
      pageEnvelope(c, request, keys.length, keys.slice(request.offset, request.offset + request.pageSize)),
    );
  })
  .get('/:id', async (c) => c.json(await getApiKey(c.get('db'), ownerOf(c), keyId(c))))
  .delete('/:id', async (c) => {
    await deleteApiKey(c.get('db'), ownerOf(c), keyId(c));
    return c.body(null, 204);
  });
