/* users.ts: staff and family accounts. */
import { client, cleanParams, type Page, type Paging } from './client'
import type { Role } from '../utils/permission'

export interface UserRow {
  id: number
  username: string
  name: string
  roles: Role[]
  phone_masked?: string
}

export interface NewUser {
  username: string
  password: string
  name: string
  roles: Role[]
  phone?: string
}

export async function listUsers(
  q: Paging & { school_id?: number; role?: string; q?: string } = {},
): Promise<Page<UserRow>> {
  return (await client.get<Page<UserRow>>('/users', { params: cleanParams({ ...q }) })).data
}

export async function createUser(body: NewUser) {
  return (await client.post<{ id: number }>('/users', body)).data
}

/** Sets a person's password (imported families and staff start without one); their sessions end. */
export async function setUserPassword(id: number, password: string): Promise<void> {
  await client.post(`/users/${id}/password`, { password })
}

/** A person's phone number in clear; the server writes every reveal to the audit log. */
export async function revealPhone(id: number): Promise<string> {
  return (await client.get<{ user_id: number; phone: string }>(`/users/${id}/phone`)).data.phone
}
