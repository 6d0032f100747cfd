/** The public face of auth/: everything outside this folder imports from here only. */
export { requireAuth } from './bearer';
export { oauthRoutes } from './oauth.routes';
export { oidcSettingsRoutes } from './oidc-settings.routes';
export { changePassword, revokeClientTokens, revokeUserTokens, setUserActive } from './account-status';
export { REVOCATION_SYNC_SECONDS } from './revocation';
export { createApiKey, deleteApiKey, getApiKey, listApiKeys, type ApiKey } from './api-keys';
export {
  createInvitation,
  createInvitationLink,
  invitationConfig,
  redeemInvitation,
  type CreatedInvitation,
  type InvitationConfig,
} from './invitations';
