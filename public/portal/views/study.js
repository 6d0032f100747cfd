/**
 * One study (API.md C.5): enrolled patients, the data types it requests (scope requests) and its
 * data sources. Managers and members of the study's organization change them (E.2).
 */
import { useState } from 'preact/hooks';
import { api, query } from '../api.js';
import {
  ActionButton,
  ActionForm,
  Empty,
  PAGE_SIZE,
  Pager,
  Resource,
  Select,
  useApi,
} from '../components.js';
import { html } from '../html.js';
import { can } from '../permissions.js';
import { href } from '../router.js';

const ALL = 1000;

function Patients({ study, manage }) {
  const [page, setPage] = useState(1);
  const enrolled = useApi(`/studies/${study.id}/patients${query({ page, pageSize: PAGE_SIZE })}`);
  const candidates = useApi(
    manage ? `/patients${query({ organizationId: study.organization.id, pageSize: ALL })}` : null,
  );
  const enrolledIds = new Set((enrolled.data?.results ?? []).map((p) => p.id));
  const options = (candidates.data?.results ?? [])
    .filter((p) => !enrolledIds.has(p.id))
    .map((p) => [String(p.id), `${p.nameGiven} ${p.nameFamily} (${p.telecomEmail})`]);
  const add = async (values) => {
    await api.post(`/studies/${study.id}/patients`, { patientIds: [Number(values.patientId)] });
    enrolled.reload();
  };
  const remove = async (id) => {
    await api.delete(`/studies/${study.id}/patients`, { patientIds: [id] });
    enrolled.reload();
  };
  return html`<section aria-labelledby="patients">
    <h2 id="patients">Patients</h2>
    <${Resource} state=${enrolled}>
      ${(envelope) =>
        envelope.results.length === 0
          ? html`<${Empty}>No patients enrolled.<//>`
          : html`<table>
                <thead>
                  <tr>
                    <th>Id</th>
                    <th>Name</th>
                    <th>Email</th>
                    ${manage ? html`<th>Actions</th>` : null}
                  </tr>
                </thead>
                <tbody>
                  ${envelope.results.map(
                    (p) =>
                      html`<tr key=${p.id}>
                        <td>${p.id}</td>
                        <td><a href=${href(`/patients/${p.id}`)}>${p.nameGiven} ${p.nameFamily}</a></td>
                        <td>${p.telecomEmail}</td>
                        ${
                          manage
                            ? html`<td>
                                <${ActionButton}
                                  label="Remove"
                                  className="danger"
                                  confirm=${`Remove ${p.nameGiven} ${p.nameFamily} from this study?`}
                                  onClick=${() => remove(p.id)}
                                />
                              </td>`
                            : null
                        }
                      </tr>`,
                  )}
                </tbody>
              </table>
              <${Pager} page=${page} envelope=${envelope} onPage=${setPage} />`}
    <//>
    ${
      manage && options.length > 0
        ? html`<${ActionForm} title="Add patient" submitLabel="Add to study" onSubmit=${add}>
            <${Select} label="Patient of the organization" name="patientId" options=${options} />
          <//>`
        : null
    }
  </section>`;
}

/**
 * One kind of study link (scope requests, data sources): the linked items, each removable by a
 * manager, and a form adding one of `options` (the items not linked yet).
 */
function StudyLinks({ id, title, state, empty, item, onRemove, manage, options, add }) {
  return html`<section aria-labelledby=${id}>
    <h2 id=${id}>${title}</h2>
    <${Resource} state=${state}>
      ${(list) =>
        list.length === 0
          ? html`<${Empty}>${empty}<//>`
          : html`<ul class="list">
              ${list.map(
                (link) =>
                  html`<li key=${link.id}>
                    ${item(link)}
                    ${
                      manage
                        ? html` <${ActionButton}
                            label="Remove"
                            className="danger"
                            onClick=${() => onRemove(link)}
                          />`
                        : null
                    }
                  </li>`,
              )}
            </ul>`}
    <//>
    ${
      manage && options.length > 0
        ? html`<${ActionForm} title=${add.title} submitLabel=${add.submitLabel} onSubmit=${add.onSubmit}>
            <${Select} label=${add.label} name=${add.name} options=${options} />
          <//>`
        : null
    }
  </section>`;
}

function ScopeRequests({ study, manage }) {
  const requests = useApi(`/studies/${study.id}/scope_requests`);
  const scopes = useApi(manage ? '/data_sources/all_scopes' : null);
  const requested = new Set((requests.data ?? []).map((r) => r.scopeCode.id));
  const options = (scopes.data ?? []).filter((s) => !requested.has(s.id)).map((s) => [String(s.id), s.text]);
  const add = async (values) => {
    await api.post(`/studies/${study.id}/scope_requests`, { scopeCodeId: Number(values.scopeCodeId) });
    requests.reload();
  };
  const remove = async (r) => {
    await api.delete(`/studies/${study.id}/scope_requests`, { scopeCodeId: r.scopeCode.id });
    requests.reload();
  };
  return html`<${StudyLinks}
    id="scopes"
    title="Requested data types"
    state=${requests}
    empty="This study requests no data types yet."
    item=${(r) => html`${r.scopeCode.text} <code>${r.scopeCode.codingCode}</code>`}
    onRemove=${remove}
    manage=${manage}
    options=${options}
    add=${{
      title: 'Request a data type',
      submitLabel: 'Add data type',
      onSubmit: add,
      label: 'Data type',
      name: 'scopeCodeId',
    }}
  />`;
}

function DataSources({ study, manage }) {
  const links = useApi(`/studies/${study.id}/data_sources`);
  const sources = useApi(manage ? `/data_sources${query({ pageSize: ALL })}` : null);
  const linked = new Set((links.data ?? []).map((l) => l.dataSource.id));
  const options = (sources.data?.results ?? [])
    .filter((d) => !linked.has(d.id))
    .map((d) => [String(d.id), d.name]);
  const add = async (values) => {
    await api.post(`/studies/${study.id}/data_sources`, { dataSourceId: Number(values.dataSourceId) });
    links.reload();
  };
  const remove = async (l) => {
    await api.delete(`/studies/${study.id}/data_sources`, { dataSourceId: l.dataSource.id });
    links.reload();
  };
  return html`<${StudyLinks}
    id="sources"
    title="Data sources"
    state=${links}
    empty="No data sources linked."
    item=${(l) => html`${l.dataSource.name} <span class="muted">${l.dataSource.type}</span>`}
    onRemove=${remove}
    manage=${manage}
    options=${options}
    add=${{
      title: 'Link a data source',
      submitLabel: 'Add data source',
      onSubmit: add,
      label: 'Data source',
      name: 'dataSourceId',
    }}
  />`;
}

export function StudyView({ params, profile }) {
  const study = useApi(`/studies/${encodeURIComponent(params.id)}`);
  const orgId = study.data?.organization?.id;
  const org = useApi(orgId === undefined ? null : `/organizations/${orgId}`);
  const manage = can(profile, org.data?.currentUserRole, 'study.manage_for_organization');
  return html`<${Resource} state=${study}>
    ${(s) =>
      html`<article>
        <p class="crumbs">
          <a href=${href('/organizations')}>Organizations</a> ›
          <a href=${href(`/organizations/${s.organization.id}`)}>${s.organization.name}</a>
        </p>
        <h1>${s.name}</h1>
        <p>${s.description}</p>
        <p class="muted meta">
          <span>Study ${s.id}</span>
          <a href=${href('/observations', { organizationId: s.organization.id, studyId: s.id })}
            >Observations</a
          >
        </p>
        <${Patients} study=${s} manage=${manage} />
        <${ScopeRequests} study=${s} manage=${manage} />
        <${DataSources} study=${s} manage=${manage} />
      </article>`}
  <//>`;
}
