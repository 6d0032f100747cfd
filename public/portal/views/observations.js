/**
 * Observations a practitioner may read (API.md C.7, consent-gated by E.5), newest first, with the
 * Open mHealth data point decoded (`omhData`). Filter by study, organization or patient.
 */
import { useState } from 'preact/hooks';
import { query } from '../api.js';
import { Empty, PAGE_SIZE, Pager, Resource, useApi } from '../components.js';
import { html } from '../html.js';
import { href, navigate } from '../router.js';

/** A one-line reading of an OMH body: `systolic_blood_pressure 120 mmHg, …`. */
function summary(omhData) {
  const body = omhData?.body ?? omhData;
  if (!body || typeof body !== 'object') return '';
  return Object.entries(body)
    .filter(([, value]) => value && typeof value === 'object' && 'value' in value)
    .map(
      ([name, value]) => `${name.replaceAll('_', ' ')} ${value.value}${value.unit ? ` ${value.unit}` : ''}`,
    )
    .join(', ');
}

function ObservationTable({ filters }) {
  const [page, setPage] = useState(1);
  const observations = useApi(`/observations${query({ ...filters, page, pageSize: PAGE_SIZE })}`);
  return html`<${Resource} state=${observations}>
    ${(envelope) =>
      envelope.results.length === 0
        ? html`<${Empty}>No observations to show.<//>`
        : html`<p class="muted">${envelope.count} observations</p>
            <table class="observations">
              <thead>
                <tr>
                  <th>Id</th>
                  <th>Patient</th>
                  <th>Data type</th>
                  <th>Reading</th>
                  <th>Last updated</th>
                </tr>
              </thead>
              <tbody>
                ${envelope.results.map(
                  (o) =>
                    html`<tr key=${o.id}>
                      <td>${o.id}</td>
                      <td>
                        <a href=${href(`/patients/${o.subjectPatientId}`)}
                          >${o.patientNameGiven} ${o.patientNameFamily}</a
                        >
                      </td>
                      <td>${o.codingText}</td>
                      <td>
                        ${summary(o.omhData) || '—'}
                        <details>
                          <summary>Data point</summary>
                          <pre>${JSON.stringify(o.omhData, null, 2)}</pre>
                        </details>
                      </td>
                      <td>${new Date(o.lastUpdated).toLocaleString()}</td>
                    </tr>`,
                )}
              </tbody>
            </table>
            <${Pager} page=${page} envelope=${envelope} onPage=${setPage} />`}
  <//>`;
}

export function ObservationsView({ query: search }) {
  const studies = useApi(`/studies${query({ pageSize: 1000 })}`);
  const filters = {
    studyId: search.get('studyId') ?? '',
    organizationId: search.get('organizationId') ?? '',
    patientId: search.get('patientId') ?? '',
  };
  const choose = (studyId) => navigate(href('/observations', { ...filters, studyId }), { replace: true });
  return html`<section>
    <h1>Observations</h1>
    <${Resource} state=${studies}>
      ${(envelope) =>
        html`<label class="field inline-field"
          ><span>Study</span>
          <select value=${filters.studyId} onChange=${(e) => choose(e.currentTarget.value)}>
            <option value="">All studies I can see</option>
            ${envelope.results.map((s) => html`<option value=${String(s.id)}>${s.name}</option>`)}
          </select></label
        >`}
    <//>
    ${filters.patientId ? html`<p class="muted">Patient ${filters.patientId} only.</p>` : null}
    <${ObservationTable} key=${JSON.stringify(filters)} filters=${filters} />
  </section>`;
}
