import { Hono, type Context } from 'hono';
import { requireAuth } from '../auth';
import {
  createSetting,
  deleteSetting,
  getSetting,
  listSettings,
  SETTING_VALUE_TYPES,
  type SettingValueType,
  updateSetting,
} from '../domain/settings';
import type { AppEnv } from '../env';
import { positiveInt } from '../http/body';
import { MAX_PAGE_SIZE, pageEnvelope, pageRequest } from '../http/paging';
import { apiRoute, type JsonSchema } from '../http/validate';
import { AppError } from '../lib/errors';
import { superuserOnly } from './practitioners.routes';
import { settingWire } from './settings.wire';

const TAG = 'Settings';
const ACCESS = 'superusers only';

function settingId(c: Context<AppEnv>): number {
  const id = positiveInt(c.req.param('id'));
  if (id === undefined) throw new AppError('not_found', 'No JheSetting matches the given query.');
  return id;
}

const KEY: JsonSchema = { type: 'string', minLength: 1, maxLength: 255 };
const VALUE_TYPE: JsonSchema = { type: 'string', enum: [...SETTING_VALUE_TYPES] };

interface SettingBody {
  key?: string;
  value_type?: SettingValueType;
  /** Any JSON value, coerced per `value_type` by the domain (400 `{"value": [...]}` if it does not fit). */
  value?: unknown;
}
type FullSettingBody = SettingBody & { key: string; value_type: SettingValueType; value: unknown };

const FULL_BODY: JsonSchema = {
  type: 'object',
  required: ['key', 'value_type', 'value'],
  properties: { key: KEY, value_type: VALUE_TYPE, value: {} },
};
const PARTIAL_BODY: JsonSchema = {
  type: 'object',
  properties: { key: KEY, value_type: VALUE_TYPE, value: {} },
};

const inputOf = (body: SettingBody) => ({
  ...(body.key !== undefined && { key: body.key }),
  ...(body.value_type !== undefined && { valueType: body.value_type }),
  ...(body.value !== undefined && { value: body.value }),
});

/** API.md C.10: superusers only (others 403, anonymous 401). */
export const settingRoutes = new Hono<AppEnv>()
  .use(requireAuth, superuserOnly)
  .get(
    '/',
    apiRoute({
      method: 'get',
      path: '/jhe_settings',
      summary: 'List settings by id',
      tag: TAG,
      access: ACCESS,
      query: [
        { name: 'page', type: 'integer' },
        { name: 'page_size', type: 'integer' },
      ],
      responses: { 200: 'paginated settings (1000 per page)', 403: 'not a superuser', 404: 'Invalid page.' },
    }),
    async (c) => {
      // A.5 "default" list: 1000 per page; honouring page_size up to 1000 is allowed ([R]).
      const page = pageRequest(c, MAX_PAGE_SIZE);
      const { count, rows } = await listSettings(c.get('db'), c.get('principal'), {
        limit: page.pageSize,
        offset: page.offset,
      });
      return c.json(pageEnvelope(c, page, count, rows.map(settingWire)));
    },
  )
  .post(
    '/',
    apiRoute<FullSettingBody>({
      method: 'post',
      path: '/jhe_settings',
      summary: 'Create a setting',
      tag: TAG,
      access: ACCESS,
      body: FULL_BODY,
      responses: {
        201: 'the setting',
        400: 'invalid body, value not of valueType, or key taken',
        403: 'not a superuser',
      },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const created = await createSetting(c.get('db'), c.get('principal'), {
        key: body.key,
        valueType: body.value_type,
        value: body.value,
      });
      return c.json(settingWire(created), 201);
    },
  )
  .get(
    '/:id',
    apiRoute({
      method: 'get',
      path: '/jhe_settings/{id}',
      summary: 'One setting',
      tag: TAG,
      access: ACCESS,
      responses: { 200: 'the setting', 403: 'not a superuser', 404: 'no such setting' },
    }),
    async (c) => c.json(settingWire(await getSetting(c.get('db'), c.get('principal'), settingId(c)))),
  )
  .patch(
    '/:id',
    apiRoute<SettingBody>({
      method: 'patch',
      path: '/jhe_settings/{id}',
      summary: 'Change a setting (value required when valueType changes)',
      tag: TAG,
      access: ACCESS,
      body: PARTIAL_BODY,
      responses: { 200: 'the setting', 400: 'invalid body', 403: 'not a superuser', 404: 'no such setting' },
    }),
    async (c) => {
      const id = settingId(c);
      return c.json(
        settingWire(await updateSetting(c.get('db'), c.get('principal'), id, inputOf(c.req.valid('json')))),
      );
    },
  )
  .put(
    '/:id',
    apiRoute<FullSettingBody>({
      method: 'put',
      path: '/jhe_settings/{id}',
      summary: 'Replace a setting',
      tag: TAG,
      access: ACCESS,
      body: FULL_BODY,
      responses: { 200: 'the setting', 400: 'invalid body', 403: 'not a superuser', 404: 'no such setting' },
    }),
    async (c) => {
      const id = settingId(c);
      return c.json(
        settingWire(await updateSetting(c.get('db'), c.get('principal'), id, inputOf(c.req.valid('json')))),
      );
    },
  )
  .delete(
    '/:id',
    apiRoute({
      method: 'delete',
      path: '/jhe_settings/{id}',
      summary: 'Delete a setting',
      tag: TAG,
      access: ACCESS,
      responses: { 204: 'deleted', 403: 'not a superuser', 404: 'no such setting' },
    }),
    async (c) => {
      await deleteSetting(c.get('db'), c.get('principal'), settingId(c));
      return c.body(null, 204);
    },
  );
