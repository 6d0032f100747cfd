import { can } from '../consent';
import { AppError } from '../lib/errors';
import type { Principal } from '../lib/principal';

/** The user whose API keys the caller manages: themself, when a practitioner (E.2); else 403. */
export function apiKeyOwner(principal: Principal): number {
  if (!can(principal, 'api_key.own') || principal.kind !== 'practitioner') {
    throw new AppError('forbidden', 'You do not have permission to perform this action.');
  }
  return principal.userId;
}
