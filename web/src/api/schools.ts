/* schools.ts: schools, their classes, a class's students and teachers (the core module). */
import { client, cleanParams, type Page, type Paging } from './client'

export type SchoolKind = 'primary' | 'junior' | 'nine_year'
export const SCHOOL_KINDS: readonly SchoolKind[] = ['primary', 'junior', 'nine_year']

export interface School {
  id: number
  name: string
  kind: SchoolKind
  rural: boolean
  [k: string]: unknown
}

export interface SchoolClass {
  id: number
  grade: number
  name: string
  school_id?: number
  [k: string]: unknown
}

export interface StudentRow {
  id: number
  name: string
  student_no: string
}

export interface ClassTeacher {
  user_id: number
  name?: string
  username?: string
  subject: string
  [k: string]: unknown
}

export async function listSchools(p: Paging = {}): Promise<Page<School>> {
  return (await client.get<Page<School>>('/schools', { params: cleanParams({ ...p }) })).data
}

export async function getSchool(id: number): Promise<School> {
  return (await client.get<School>(`/schools/${id}`)).data
}

export async function createSchool(body: { name: string; kind: SchoolKind; rural: boolean }) {
  return (await client.post<School>('/schools', body)).data
}

export async function listClasses(schoolId: number, p: Paging = {}): Promise<Page<SchoolClass>> {
  return (
    await client.get<Page<SchoolClass>>(`/schools/${schoolId}/classes`, {
      params: cleanParams({ ...p }),
    })
  ).data
}

export async function getClass(id: number): Promise<SchoolClass> {
  return (await client.get<SchoolClass>(`/classes/${id}`)).data
}

export async function createClass(body: { school_id: number; grade: number; name: string }) {
  return (await client.post<SchoolClass>('/classes', body)).data
}

export async function listStudents(classId: number, p: Paging = {}): Promise<Page<StudentRow>> {
  return (
    await client.get<Page<StudentRow>>(`/classes/${classId}/students`, {
      params: cleanParams({ ...p }),
    })
  ).data
}

export async function listClassTeachers(classId: number): Promise<Page<ClassTeacher>> {
  return (await client.get<Page<ClassTeacher>>(`/classes/${classId}/teachers`)).data
}

export async function assignTeacher(classId: number, body: { user_id: number; subject: string }) {
  return (await client.post(`/classes/${classId}/teachers`, body)).data
}
