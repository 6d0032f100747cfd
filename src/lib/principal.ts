/**
 * Who is calling, as the bearer check established it from a verified access token (no database
 * read). A union on `kind`, switched exhaustively by the access rules in `consent/`.
 */
export type Principal = PractitionerPrincipal | PatientPrincipal | ClientPrincipal;

interface TokenFacts {
  /** The OAuth client the token was issued to (client_id string). */
  clientId: string;
  scope: string;
  /** Token id, for revocation. */
  jti: string;
}

export interface PractitionerPrincipal extends TokenFacts {
  kind: 'practitioner';
  userId: number;
  practitionerId: number;
  isSuperuser: boolean;
}

export interface PatientPrincipal extends TokenFacts {
  kind: 'patient';
  userId: number;
  patientId: number;
}

/** A client acting for itself (client_credentials without an owner user, e.g. the SoF app). */
export interface ClientPrincipal extends TokenFacts {
  kind: 'client';
}

/** The user id behind a principal, if any. */
export function principalUserId(principal: Principal): number | null {
  switch (principal.kind) {
    case 'practitioner':
    case 'patient':
      return principal.userId;
    case 'client':
      return null;
  }
}

/** A principal before its token exists (no `jti` yet). */
export type PrincipalGrant =
  Omit<PractitionerPrincipal, 'jti'> | Omit<PatientPrincipal, 'jti'> | Omit<ClientPrincipal, 'jti'>;
