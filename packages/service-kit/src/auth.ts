/**
 * One auth model for every service: a bearer JWT (HS256, keys from configuration, selected by
 * `kid` so keys rotate by appending) carrying the caller's roles and jurisdiction. The
 * jurisdiction is an administrative region code prefix: `442000` is the whole of Zhongshan,
 * `442000100` one town (镇街), `442000100001` one village (村居). A caller sees and changes only
 * data whose region code starts with it.
 *
 * Routes are closed by default: `buildApp` checks a token on every route that is not marked
 * `config: { public: true }` (health, metrics, docs), and the roles listed in `config.roles`.
 */
import { createSecretKey, randomUUID, type KeyObject } from 'node:crypto';
import { SignJWT, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import { KitErrors } from './errors.js';

/**
 * `child-protection` is the strictest one: children's names and details are shown only to it
 * (儿童主任, 儿童督导员, 未成年人保护工作站), inside its jurisdiction; see services/child-protection.
 */
export const ROLES = ['department-system', 'caseworker', 'supervisor', 'analyst', 'admin', 'child-protection'] as const;
export type Role = (typeof ROLES)[number];

/** Chinese names of the roles, for messages and docs. */
export const ROLE_NAMES: Readonly<Record<Role, string>> = {
  'department-system': '部门系统',
  caseworker: '经办人员/社工',
  supervisor: '审核/审批负责人',
  analyst: '数据分析人员',
  admin: '系统管理员',
  'child-protection': '儿童保护工作人员（儿童主任、儿童督导员、未保站）',
};

export interface Principal {
  /** The user or system id (`sub`). */
  readonly subject: string;
  readonly name: string | undefined;
  readonly roles: readonly Role[];
  /** Region code prefix the caller may see. */
  readonly jurisdiction: string;
  /** For department systems: which department (e.g. `CIVIL_AFFAIRS`, `HEALTH`). */
  readonly department: string | undefined;
}

export const ISSUER = 'minzheng';
export const AUDIENCE = 'minzheng-platform';
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/u;
const JURISDICTION = /^\d{6}(\d{3}(\d{3})?)?$/u;

export interface JwtKeys {
  readonly activeKeyId: string;
  readonly keys: ReadonlyMap<string, KeyObject>;
}

/**
 * Reads `kid:base64key,kid2:base64key` (each key at least 32 bytes). The last entry signs; all
 * verify. Errors name the entry by position, never the key.
 */
export function parseJwtKeys(spec: string): JwtKeys {
  const keys = new Map<string, KeyObject>();
  const entries = spec.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
  if (entries.length === 0) throw new Error('must list at least one key as kid:base64key');
  entries.forEach((entry, index) => {
    const colon = entry.indexOf(':');
    const keyId = colon > 0 ? entry.slice(0, colon) : '';
    if (!KEY_ID.test(keyId)) throw new Error(`entry ${index + 1}: expected kid:base64key with kid matching ${KEY_ID.source}`);
    const bytes = Buffer.from(entry.slice(colon + 1), 'base64');
    if (bytes.length < 32) throw new Error(`entry ${index + 1} (kid "${keyId}"): the key must be at least 32 bytes`);
    keys.set(keyId, createSecretKey(bytes));
  });
  return { activeKeyId: [...keys.keys()].at(-1) ?? '', keys };
}

export interface TokenClaims {
  readonly subject: string;
  readonly roles: readonly Role[];
  readonly jurisdiction: string;
  readonly name?: string;
  readonly department?: string;
  /** Lifetime in seconds (default 8 hours, a working day). */
  readonly expiresInSeconds?: number;
}

/** Signs a token with the active key (the dev-token command and tests use this). */
export async function signToken(keys: JwtKeys, claims: TokenClaims): Promise<string> {
  const key = keys.keys.get(keys.activeKeyId);
  if (!key) throw new Error('no active JWT key');
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ roles: [...claims.roles], jurisdiction: claims.jurisdiction, name: claims.name, department: claims.department })
    .setProtectedHeader({ alg: 'HS256', kid: keys.activeKeyId })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setSubject(claims.subject)
    .setJti(randomUUID())
    .setIssuedAt(now)
    .setExpirationTime(now + (claims.expiresInSeconds ?? 8 * 3600))
    .sign(key);
}

/** Verifies a bearer token and returns the principal, or throws AUTH_INVALID_TOKEN / AUTH_TOKEN_EXPIRED. */
export async function verifyToken(keys: JwtKeys, token: string): Promise<Principal> {
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(
      token,
      (header) => {
        const key = header.kid === undefined ? undefined : keys.keys.get(header.kid);
        if (!key) throw KitErrors.authInvalid(`unknown key id ${JSON.stringify(header.kid ?? null)}`);
        return key;
      },
      { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'], requiredClaims: ['sub', 'exp'] },
    ));
  } catch (error) {
    if (error instanceof joseErrors.JWTExpired) throw KitErrors.authExpired();
    if (error instanceof joseErrors.JOSEError) throw KitErrors.authInvalid(error.code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' ? 'signature does not verify' : error.message);
    throw error;
  }
  const roles = Array.isArray(payload.roles) ? payload.roles.filter((role): role is Role => (ROLES as readonly unknown[]).includes(role)) : [];
  if (roles.length === 0) throw KitErrors.authInvalid(`the roles claim must list at least one of ${ROLES.join(', ')}`);
  const jurisdiction = payload.jurisdiction;
  if (typeof jurisdiction !== 'string' || !JURISDICTION.test(jurisdiction)) throw KitErrors.authInvalid('the jurisdiction claim must be a 6, 9 or 12 digit region code');
  return Object.freeze({
    subject: payload.sub ?? '',
    name: typeof payload.name === 'string' ? payload.name : undefined,
    roles: Object.freeze(roles),
    jurisdiction,
    department: typeof payload.department === 'string' ? payload.department : undefined,
  });
}

/** True when `regionCode` lies inside the caller's jurisdiction. */
export function withinJurisdiction(principal: Principal, regionCode: string): boolean {
  return regionCode.startsWith(principal.jurisdiction);
}

/** Throws AUTH_OUT_OF_JURISDICTION unless `regionCode` lies inside the caller's jurisdiction. */
export function requireJurisdiction(principal: Principal, regionCode: string): void {
  if (!withinJurisdiction(principal, regionCode)) throw KitErrors.outOfJurisdiction(regionCode, principal.jurisdiction);
}

/** A MongoDB filter fragment scoping a region-code field to the caller's jurisdiction. */
export function jurisdictionFilter(principal: Principal, field: string): Record<string, unknown> {
  return { [field]: { $regex: `^${principal.jurisdiction}` } };
}

export function hasRole(principal: Principal, ...roles: readonly Role[]): boolean {
  return principal.roles.some((role) => roles.includes(role));
}

/** The worker roles (mz.common.WorkerRole) whose cases are about children: 儿童主任, 儿童督导员, 未成年人保护工作站. */
export const CHILD_CASE_ROLES: ReadonlySet<string> = new Set(['CHILD_DIRECTOR', 'CHILD_SUPERVISOR', 'MINORS_PROTECTION_STATION']);

/** Whether a case held by `workerRole` is one `principal` may see: children's cases only for child-protection staff, supervisors and admins. */
export function maySeeCase(principal: Principal, workerRole: string): boolean {
  return !CHILD_CASE_ROLES.has(workerRole) || hasRole(principal, 'child-protection', 'supervisor', 'admin');
}
