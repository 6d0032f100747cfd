import { Hono, type Context } from 'hono';
import { createApiKey, deleteApiKey, getApiKey, listApiKeys, requireAuth } from '../auth';
import { apiKeyOwner } from '../domain/api-keys';
import type { AppEnv } from '../env';
import { field, positiveInt, readJsonObject } from '../http/body';
import { pageEnvelope, pageRequest, MAX_PAGE_SIZE } from '../http/paging';
import { AppError } from '../lib/errors';

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
      await createApiKey(
        c.get('db'),
        apiKeyOwner(c.get('principal')),
        typeof name === 'string' ? name : undefined,
      ),
      201,
    );
  })
  .get('/', async (c) => {
    const keys = await listApiKeys(c.get('db'), apiKeyOwner(c.get('principal')));
    const request = pageRequest(c, MAX_PAGE_SIZE);
    return c.json(
      pageEnvelope(c, request, keys.length, keys.slice(request.offset, request.offset + request.pageSize)),
    );
  })
  .get('/:id', async (c) => c.json(await getApiKey(c.get('db'), apiKeyOwner(c.get('principal')), keyId(c))))
  .delete('/:id', async (c) => {
    await deleteApiKey(c.get('db'), apiKeyOwner(c.get('principal')), keyId(c));
    return c.body(null, 204);
  });
