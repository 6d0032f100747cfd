/**
 * Data sources and data types (API.md C.6). Everyone signed in reads them; superusers create data
 * sources, data types (scopes) and link which types a source supports (E.2).
 */
import { useState } from 'preact/hooks';
import { api, query } from '../api.js';
import { ActionForm, Empty, Field, PAGE_SIZE, Pager, Resource, Select, useApi } from '../components.js';
import { html } from '../html.js';
import { can } from '../permissions.js';

const SOURCE_TYPES = [
  ['personal_device', 'Personal device'],
  ['medical_device', 'Medical device'],
  ['patient_app', 'Patient app'],
];

function DataSources({ admin, scopes }) {
  const [page, setPage] = useState(1);
  const sources = useApi(`/data_sources${query({ page, pageSize: PAGE_SIZE })}`);
  const create = async (values) => {
    await api.post('/data_sources', { name: values.name, type: values.type });
    sources.reload();
  };
  const addScope = async (values) => {
    await api.post(`/data_sources/${values.dataSourceId}/supported_scopes`, {
      scopeCodeId: Number(values.scopeCodeId),
    });
    sources.reload();
  };
  return html`<section aria-labelledby="sources">
    <h2 id="sources">Data sources</h2>
    <${Resource} state=${sources}>
      ${(envelope) =>
        envelope.results.length === 0
          ? html`<${Empty}>No data sources yet.<//>`
          : html`<table>
                <thead>
                  <tr>
                    <th>Name</th>
                    <th>Type</th>
                    <th>Supported data types</th>
                  </tr>
                </thead>
                <tbody>
                  ${envelope.results.map(
                    (d) =>
                      html`<tr key=${d.id}>
                        <td>${d.name}</td>
                        <td>${d.type}</td>
                        <td>
                          ${d.supportedScopes.length === 0 ? '—' : d.supportedScopes.map((s) => s.text).join(', ')}
                        </td>
                      </tr>`,
                  )}
                </tbody>
              </table>
              <${Pager} page=${page} envelope=${envelope} onPage=${setPage} />
              ${
                admin && scopes.length > 0
                  ? html`<${ActionForm}
                      title="Add a supported data type"
                      submitLabel="Add to data source"
                      onSubmit=${addScope}
                    >
                      <${Select}
                        label="Data source"
                        name="dataSourceId"
                        options=${envelope.results.map((d) => [String(d.id), d.name])}
                      />
                      <${Select}
                        label="Data type"
                        name="scopeCodeId"
                        options=${scopes.map((s) => [String(s.id), s.text])}
                      />
                    <//>`
                  : null
              }`}
    <//>
    ${
      admin
        ? html`<${ActionForm} title="New data source" submitLabel="Create data source" onSubmit=${create}>
            <${Field} label="Name" name="name" required />
            <${Select} label="Type" name="type" options=${SOURCE_TYPES} />
          <//>`
        : null
    }
  </section>`;
}

function DataTypes({ admin, scopes }) {
  const create = async (values) => {
    await api.post('/data_sources/all_scopes', {
      codingSystem: values.codingSystem,
      codingCode: values.codingCode,
      text: values.text,
    });
    scopes.reload();
  };
  return html`<section aria-labelledby="types">
    <h2 id="types">Data types</h2>
    <${Resource} state=${scopes}>
      ${(list) =>
        list.length === 0
          ? html`<${Empty}>No data types yet.<//>`
          : html`<table>
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Coding system</th>
                  <th>Code</th>
                </tr>
              </thead>
              <tbody>
                ${list.map(
                  (s) =>
                    html`<tr key=${s.id}>
                      <td>${s.text}</td>
                      <td>${s.codingSystem}</td>
                      <td><code>${s.codingCode}</code></td>
                    </tr>`,
                )}
              </tbody>
            </table>`}
    <//>
    ${
      admin
        ? html`<${ActionForm} title="New data type" submitLabel="Create data type" onSubmit=${create}>
            <${Field}
              label="Coding system"
              name="codingSystem"
              defaultValue="https://w3id.org/openmhealth"
              required
            />
            <${Field} label="Code" name="codingCode" placeholder="omh:blood-glucose:4.0" required />
            <${Field} label="Name" name="text" required />
          <//>`
        : null
    }
  </section>`;
}

export function DataSourcesView({ profile }) {
  const admin = can(profile, null, 'data_source.manage');
  const scopes = useApi('/data_sources/all_scopes');
  return html`<section>
    <h1>Data sources and data types</h1>
    <${DataSources} admin=${admin} scopes=${scopes.data ?? []} />
    <${DataTypes} admin=${admin} scopes=${scopes} />
  </section>`;
}
