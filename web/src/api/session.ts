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

export async function fetchMe(): Promise<SessionUser> {
  return (await client.get<SessionUser>('/me')).data
}
