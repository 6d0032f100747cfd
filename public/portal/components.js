/** Small building blocks shared by the views: data loading, errors, paging, forms. */
/* global FormData, window -- browser module */
import { useEffect, useState } from 'preact/hooks';
import { api } from './api.js';
import { html } from './html.js';

/** GET `path` (null: nothing to load); `reload()` fetches again. */
export function useApi(path) {
  const [state, setState] = useState({ loading: path !== null, data: undefined, error: undefined });
  const [version, setVersion] = useState(0);
  useEffect(() => {
    if (path === null) {
      setState({ loading: false, data: undefined, error: undefined });
      return undefined;
    }
    let live = true;
    setState((s) => ({ ...s, loading: true, error: undefined }));
    api.get(path).then(
      (data) => live && setState({ loading: false, data, error: undefined }),
      (error) => live && setState({ loading: false, data: undefined, error }),
    );
    return () => {
      live = false;
    };
  }, [path, version]);
  return { ...state, reload: () => setVersion((v) => v + 1) };
}

export function ErrorMessage({ error }) {
  if (!error) return null;
  return html`<p class="error" role="alert">${error.message ?? String(error)}</p>`;
}

/** Loading / error / content for one `useApi` result; `children` is a function of the data. */
export function Resource({ state, children }) {
  if (state.error) return html`<${ErrorMessage} error=${state.error} />`;
  if (state.data === undefined) return html`<p class="loading" aria-live="polite">Loading…</p>`;
  return children(state.data);
}

export const PAGE_SIZE = 25;

/** Previous / next for a DRF page envelope (API.md A.5). */
export function Pager({ page, envelope, onPage }) {
  const pages = Math.max(1, Math.ceil(envelope.count / PAGE_SIZE));
  if (pages <= 1) return null;
  return html`<nav class="pager" aria-label="Pages">
    <button type="button" disabled=${!envelope.previous} onClick=${() => onPage(page - 1)}>Previous</button>
    <span>Page ${page} of ${pages}</span>
    <button type="button" disabled=${!envelope.next} onClick=${() => onPage(page + 1)}>Next</button>
  </nav>`;
}

/**
 * A form that posts its fields through `onSubmit(values)` (an async function), shows the API's
 * error, and clears itself after success.
 */
export function ActionForm({ title, submitLabel, onSubmit, children, inline = false }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const submit = async (event) => {
    event.preventDefault();
    const form = event.currentTarget;
    const values = Object.fromEntries(new FormData(form));
    setBusy(true);
    setError(null);
    try {
      await onSubmit(values);
      form.reset();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return html`<form class=${inline ? 'action inline' : 'action'} onSubmit=${submit} aria-label=${title}>
    ${title && !inline ? html`<h3>${title}</h3>` : null} ${children}
    <button type="submit" disabled=${busy}>${busy ? 'Working…' : submitLabel}</button>
    <${ErrorMessage} error=${error} />
  </form>`;
}

/** A labelled input; extra props go to the input. */
export function Field({ label, name, type = 'text', ...rest }) {
  return html`<label class="field"
    ><span>${label}</span><input name=${name} type=${type} ...${rest}
  /></label>`;
}

/** A labelled select of `[value, text]` options. */
export function Select({ label, name, options, ...rest }) {
  return html`<label class="field"
    ><span>${label}</span>
    <select name=${name} ...${rest}>
      ${options.map(([value, text]) => html`<option value=${value}>${text}</option>`)}
    </select></label
  >`;
}

/** A button that runs an async action and reports its error next to itself. */
export function ActionButton({ label, onClick, confirm: question, className }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const run = async () => {
    if (question && !window.confirm(question)) return;
    setBusy(true);
    setError(null);
    try {
      await onClick();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return html`<span class="action-button"
    ><button type="button" class=${className} disabled=${busy} onClick=${run}>${label}</button
    ><${ErrorMessage} error=${error}
  /></span>`;
}

export function RoleBadge({ role }) {
  if (!role) return null;
  return html`<span class=${`badge role-${role}`}>${role.replace('_', ' ')}</span>`;
}

/** An empty-list message so a screen never renders as a blank area. */
export function Empty({ children }) {
  return html`<p class="empty">${children}</p>`;
}
