/** Id-valued search parameters shared by the resource parsers (API.md D.2, D.4, D.8). Pure. */
import { AppError } from '../lib/errors';
import { first, parseId, parseReference, type RawParams } from './params';

/**
 * A study or organization filter: a malformed id is a 400 naming the parameter (as on
 * Observation), since silently dropping it would widen the search.
 */
export function requiredReference(params: RawParams, type: string, ...names: string[]): number | undefined {
  const value = first(params, ...names);
  if (value === undefined) return undefined;
  const id = parseReference(value, type);
  const name = names[0] ?? type;
  if (id === null)
    throw new AppError('invalid', `Invalid search parameter ${name}: "${value}" is not a ${type} id.`, {
      expression: name,
    });
  return id;
}

/**
 * Comma-separated ids of every repeat, malformed ones dropped: `_id=abc` then matches nothing, an
 * empty Bundle rather than an error (D.4). `_id` takes bare ids, `patient` also `Patient/<id>`.
 */
export function idList(params: RawParams, name: string, type: string): number[] | undefined {
  const values = params.get(name);
  if (!values) return undefined;
  return values
    .flatMap((v) => v.split(','))
    .flatMap((v) => (name === '_id' ? parseId(v) : parseReference(v, type)) ?? []);
}
