import type { IncomingHttpHeaders } from 'node:http';
import { KubeError } from './errors.ts';

/** Who a request runs as (authentication.k8s.io UserInfo). */
export interface UserInfo {
  username: string;
  groups: string[];
}

/** A bearer token the emulator accepts and the user it stands for. */
export interface KubeUser {
  token: string;
  username: string;
  groups?: string[];
}

/** The token `kubeConfigFor` writes: a cluster admin (group system:masters). */
export const ADMIN_TOKEN = 'kube-emulator-token';
const ADMIN: UserInfo = {
  username: 'kube-emulator-admin',
  groups: ['system:masters', 'system:authenticated'],
};
const ANONYMOUS: UserInfo = { username: 'system:anonymous', groups: ['system:unauthenticated'] };

function withAuthenticated(username: string, groups: string[]): UserInfo {
  const all = [...groups];
  if (username !== 'system:anonymous' && !all.includes('system:authenticated'))
    all.push('system:authenticated');
  return { username, groups: all };
}

/**
 * The user behind a request's bearer token. With RBAC enforced an unknown token is 401 and no
 * token is system:anonymous, as on a real API server; without it every request that names no
 * known user runs as the admin, so clients with any dummy token keep working.
 */
export function authenticate(
  headers: IncomingHttpHeaders,
  users: readonly KubeUser[],
  enforce: boolean,
): UserInfo {
  const token = /^Bearer\s+(.+)$/i.exec(headers.authorization ?? '')?.[1]?.trim();
  const known = users.find((u) => u.token === token);
  if (known) return withAuthenticated(known.username, known.groups ?? []);
  if (token === ADMIN_TOKEN || !enforce) return ADMIN;
  if (token === undefined) return ANONYMOUS;
  throw new KubeError(401, 'Unauthorized', 'Unauthorized');
}

/** The values of a header that may repeat (Impersonate-Group), one per line sent. */
function values(headers: NodeJS.Dict<string[]>, name: string): string[] {
  return headers[name] ?? [];
}

/** The user and groups asked for with Impersonate-User / Impersonate-Group, if any. */
export function impersonation(headers: NodeJS.Dict<string[]>): UserInfo | undefined {
  const user = values(headers, 'impersonate-user')[0];
  const groups = values(headers, 'impersonate-group');
  if (user === undefined) {
    if (groups.length > 0)
      throw new KubeError(
        400,
        `requested [${groups.map((g) => `{Group  ${g}}`).join(' ')}] without impersonating a user`,
        'BadRequest',
      );
    return undefined;
  }
  return withAuthenticated(user, groups);
}
