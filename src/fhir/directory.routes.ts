/** API.md D.8: search and read Group, Device, Organization and Practitioner (read-only views). */
import { Hono, type Context } from 'hono';
import type { Page, PageQuery } from '../domain/fhir-search';
import {
  readDevice,
  readGroup,
  readOrganization,
  readPractitioner,
  searchDevices,
  searchGroups,
  searchOrganizations,
  searchPractitioners,
  type DirectoryCriteria,
  type DirectoryType,
} from '../domain/fhir-directory';
import type { AppEnv } from '../env';
import type { Principal } from '../lib/principal';
import { DIRECTORY_SORT, directoryCriteria } from './directory.search';
import { deviceResource, groupResource, organizationResource, practitionerResource } from './directory.map';
import { fhirJson, pathId, searchParams } from './http';
import { searchResponse } from './search-page';

type Db = AppEnv['Variables']['db'];

interface DirectoryResource<R> {
  type: DirectoryType;
  search: (db: Db, principal: Principal, criteria: DirectoryCriteria, page: PageQuery) => Promise<Page<R>>;
  read: (db: Db, principal: Principal, id: number) => Promise<R>;
  render: (record: R) => unknown;
}

function routesFor<R>(resource: DirectoryResource<R>) {
  const search = async (c: Context<AppEnv>) => {
    const params = await searchParams(c);
    const criteria = directoryCriteria(resource.type, params);
    return searchResponse(
      c,
      params,
      criteria && {
        sort: DIRECTORY_SORT,
        run: (page) => resource.search(c.get('db'), c.get('principal'), criteria, page),
        render: resource.render,
      },
    );
  };
  return new Hono<AppEnv>()
    .get('/', search)
    .post('/_search', search)
    .get('/:id', async (c) =>
      fhirJson(
        c,
        resource.render(await resource.read(c.get('db'), c.get('principal'), pathId(c, resource.type))),
      ),
    );
}

export const groupRoutes = routesFor({
  type: 'Group',
  search: searchGroups,
  read: readGroup,
  render: groupResource,
});
export const deviceRoutes = routesFor({
  type: 'Device',
  search: searchDevices,
  read: readDevice,
  render: deviceResource,
});
export const organizationRoutes = routesFor({
  type: 'Organization',
  search: searchOrganizations,
  read: readOrganization,
  render: organizationResource,
});
export const practitionerRoutes = routesFor({
  type: 'Practitioner',
  search: searchPractitioners,
  read: readPractitioner,
  render: practitionerResource,
});
