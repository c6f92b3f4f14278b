/* students.ts: a pupil's record and their guardians. */
import { client } from './client'

export interface GuardianRow {
  id: number
  name: string
  phone_masked?: string
}

export interface Student {
  id: number
  name: string
  student_no: string
  class_id: number
  class_name: string
  grade: number
  school_id: number
  guardians: GuardianRow[]
  [k: string]: unknown
}

export async function getStudent(id: number): Promise<Student> {
  return (await client.get<Student>(`/students/${id}`)).data
}

export async function createStudent(body: { class_id: number; name: string; student_no: string }) {
  return (await client.post<{ id: number }>('/students', body)).data
}

export async function linkGuardian(studentId: number, userId: number) {
  return (await client.post(`/students/${studentId}/guardians`, { user_id: userId })).data
}
