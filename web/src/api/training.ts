/*
 * training.ts: the training module's endpoints (docs/api/funds.md): the institution registry,
 * lists, annual inspections, staff and the staff black list, courses and their review, and the
 * public look-up families use.
 */
import { client, type Page } from './client'

export type Category = 'subject' | 'non_subject'
export type InstitutionState = 'active' | 'suspended' | 'closed'
export type ListStatus = 'none' | 'white' | 'black'

export interface Institution {
  id: number
  name: string
  category: Category
  license_no: string
  license_valid_until: string | null
  uscc: string | null
  address: string
  online: boolean
  non_profit: boolean
  contact: string | null
  state: InstitutionState
  state_reason: string | null
  list: ListStatus
  list_reason: string | null
  created_at: number
  last_inspection_year: number | null
  last_inspection_date: string | null
  last_inspection_result: string | null
  license_expired: boolean
  license_no_valid: boolean
  inspection_overdue: boolean
}

export interface NewInstitution {
  name: string
  category: Category
  license_no: string
  address: string
  online: boolean
  license_valid_until?: string
  uscc?: string
  contact?: string
}

export interface Slot {
  weekday: number
  start: string
  end: string
  lessons?: number
}

export interface Course {
  id: number
  institution_id?: number
  institution_name?: string
  name: string
  subject: string
  category: Category
  online: boolean
  lesson_minutes: number
  price_per_lesson_fen: number
  price_cap_fen?: number | null
  schedule?: Slot[]
  review_state: 'pending' | 'approved' | 'rejected'
  review_note?: string | null
}

export interface NewCourse {
  name: string
  subject: string
  online: boolean
  lesson_minutes: number
  price_per_lesson_fen: number
  schedule: Slot[]
}

export interface Inspection {
  id: number
  year: number
  date: string
  result: 'pass' | 'rectify' | 'fail'
  note: string | null
}

export interface Staff {
  id: number
  name: string
  teaches_subject: boolean
  subjects: string | null
  cert_no: string | null
  id_masked: string | null
  active: boolean
  blacklisted: boolean
}

export interface BlacklistEntry {
  id: number
  name: string
  cert_no: string | null
  id_masked: string | null
  reason: string
  created_at: number
}

export interface PublicInstitution {
  id: number
  name: string
  category: Category
  license_no: string
  license_valid_until: string | null
  address: string
  online: boolean
  state: InstitutionState
  list: ListStatus
  last_inspection_year: number | null
  last_inspection_result: string | null
  courses: number | Course[]
}

/** One institution on the public page (GET /public/institutions/{id}): its courses listed. */
export type PublicInstitutionDetail = Omit<PublicInstitution, 'courses'> & { courses: Course[] }

export async function listInstitutions(params: { state?: string; list?: string; q?: string; limit?: number; offset?: number } = {}): Promise<Page<Institution>> {
  return (await client.get<Page<Institution>>('/institutions', { params: { limit: 500, ...params } })).data
}

export async function getInstitution(id: number): Promise<Institution> {
  return (await client.get<Institution>(`/institutions/${id}`)).data
}

export async function createInstitution(body: NewInstitution): Promise<Institution> {
  return (await client.post<Institution>('/institutions', body)).data
}

export async function updateInstitution(id: number, body: { name?: string; address?: string; license_valid_until?: string; contact?: string }): Promise<Institution> {
  return (await client.post<Institution>(`/institutions/${id}/details`, body)).data
}

export async function setList(id: number, list: ListStatus, reason?: string): Promise<Institution> {
  return (await client.post<Institution>(`/institutions/${id}/list`, { list, reason })).data
}

export interface StateResult {
  id: number
  state: InstitutionState
  contracts_closed: number
  refunds: number
  refund_fen: number
}

/** Suspending or closing refunds every open contract in one step (the funds module's route). */
export async function setState(id: number, state: InstitutionState, reason?: string): Promise<StateResult> {
  return (await client.post<StateResult>(`/institutions/${id}/state`, { state, reason })).data
}

export async function listInspections(id: number): Promise<Page<Inspection>> {
  return (await client.get<Page<Inspection>>(`/institutions/${id}/inspections`, { params: { limit: 500 } })).data
}

export async function addInspection(id: number, body: { year: number; date: string; result: string; note?: string }): Promise<Inspection> {
  return (await client.post<Inspection>(`/institutions/${id}/inspections`, body)).data
}

export async function listStaff(id: number): Promise<Page<Staff>> {
  return (await client.get<Page<Staff>>(`/institutions/${id}/staff`, { params: { limit: 500 } })).data
}

export async function addStaff(id: number, body: { name: string; teaches_subject: boolean; subjects?: string; cert_no?: string; id_no?: string; in_service_teacher?: boolean }): Promise<Staff> {
  return (await client.post<Staff>(`/institutions/${id}/staff`, body)).data
}

export async function removeStaff(id: number, staffId: number): Promise<void> {
  await client.delete(`/institutions/${id}/staff/${staffId}`)
}

export async function listBlacklist(): Promise<Page<BlacklistEntry>> {
  return (await client.get<Page<BlacklistEntry>>('/staff-blacklist', { params: { limit: 500 } })).data
}

export async function addBlacklist(body: { name: string; reason: string; cert_no?: string; id_no?: string }): Promise<BlacklistEntry> {
  return (await client.post<BlacklistEntry>('/staff-blacklist', body)).data
}

export async function listCourses(id: number): Promise<Page<Course>> {
  return (await client.get<Page<Course>>(`/institutions/${id}/courses`, { params: { limit: 500 } })).data
}

export async function createCourse(id: number, body: NewCourse): Promise<Course> {
  return (await client.post<Course>(`/institutions/${id}/courses`, body)).data
}

export async function getCourse(id: number): Promise<Course> {
  return (await client.get<Course>(`/courses/${id}`)).data
}

export async function reviewCourse(id: number, state: Course['review_state'], note?: string): Promise<Course> {
  return (await client.post<Course>(`/courses/${id}/review`, { state, note })).data
}

export async function publicInstitutions(params: { q?: string; list?: string; category?: string } = {}): Promise<Page<PublicInstitution>> {
  return (await client.get<Page<PublicInstitution>>('/public/institutions', { params: { limit: 100, ...params } })).data
}

export async function publicInstitution(id: number): Promise<PublicInstitutionDetail> {
  return (await client.get<PublicInstitutionDetail>(`/public/institutions/${id}`)).data
}
