/* session.ts: logging in and out, and who am I (API.md "Sessions and people"). */
import { client } from './client'
import type { SessionUser } from '../utils/permission'

export interface LoginAnswer {
  token: string
  user: SessionUser
}

export async function login(username: string, password: string): Promise<LoginAnswer> {
  return (await client.post<LoginAnswer>('/session', { username, password })).data
}

export async function logout(): Promise<void> {
  await client.delete('/session')
}

/** The caller with roles and `permissions` (the server's strings the menu follows). */
export async function fetchMe(): Promise<SessionUser> {
  return (await client.get<SessionUser>('/me')).data
}

/** What the session keeps of a /me answer: who, roles, and the permission list when there is one. */
export function sessionUserOf(me: SessionUser): SessionUser {
  const u: SessionUser = { id: me.id, username: me.username, name: me.name, roles: me.roles }
  if (Array.isArray(me.permissions)) u.permissions = me.permissions.filter((p) => typeof p === 'string')
  return u
}
