/* me.ts: the caller's own world: a guardian's children, a teacher's classes. */
import { client, type Page } from './client'

export interface Child {
  id: number
  name: string
  student_no: string
  class_id: number
  class_name: string
  grade: number
  school_id: number
  school_name: string
}

export interface TeachingClass {
  class_id: number
  class_name: string
  grade: number
  school_id: number
  school_name: string
  subject: string
}

export async function myChildren(): Promise<Page<Child>> {
  return (await client.get<Page<Child>>('/me/children')).data
}

export async function myClasses(): Promise<Page<TeachingClass>> {
  return (await client.get<Page<TeachingClass>>('/me/classes')).data
}

/**
 * Changes the caller's own password. 401 `invalid_credentials` (field `old_password`) for a wrong
 * old password, which does not end the session (client.ts); on success every session ends.
 */
export async function changeMyPassword(old_password: string, new_password: string): Promise<void> {
  await client.put('/me/password', { old_password, new_password })
}
