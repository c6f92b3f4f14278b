/*
 * afterschool.ts: the after-school service (API.md "After-school service", docs/api/afterschool.md):
 * programs, the district's vetted providers, enrolment and ranked choices, the roll, bills and
 * waivers, teachers' duty, time bank and leave, the A/B roster, subsidies and the RP-3 report.
 */
import { client, cleanParams, type Page } from './client'

export type ProgramKind = 'care' | 'course'
export type Provider = 'school' | 'third_party'

export interface Program {
  id: number
  school_id: number
  term: string
  name: string
  kind: ProgramKind
  category: string | null
  provider: Provider
  vendor_id: number | null
  institution_id: number | null
  capacity: number
  weekdays: number[]
  start: string
  end: string
  fee_per_hour_fen: number
  first_day: string
  last_day: string
  place: string | null
  staff_a: number | null
  staff_b: number | null
  status: 'open' | 'closed'
  enrolled?: number
  waitlisted?: number
  seats_left?: number
  vendor_name?: string | null
  staff_a_name?: string | null
  staff_b_name?: string | null
  sessions?: number
  fee_cap_fen?: number
}

export interface ProgramBody {
  school_id: number
  term: string
  name: string
  kind: ProgramKind
  provider: Provider
  vendor_id?: number
  capacity: number
  weekdays: number[]
  start: string
  end: string
  fee_per_hour_fen: number
  first_day: string
  last_day: string
  category?: string
  place?: string
  staff_a?: number
  staff_b?: number
}

export interface Coverage {
  rule: string
  ok: boolean
  days_required: number
  min_minutes: number
  days_ok: number
  days: { weekday: number; minutes: number; ok: boolean }[]
}

export interface Vendor {
  id: number
  name: string
  credit_code: string
  institution_id: number | null
  service_items: string[]
  fee_per_hour_fen: number
  vetted_from: string
  vetted_to: string
  status: 'active' | 'exited'
  exited_on: string | null
  exit_reason: string | null
}

export interface Enrolment {
  id: number
  status: 'enrolled' | 'waitlisted' | 'left' | 'cancelled'
  position: number | null
  program_id: number
  student_id: number
  seat_from?: string | null
}

export interface ProgramEnrolment extends Enrolment {
  student_name: string
  class_name: string
  /** the class's grade, to say the class as people do (四年级1班) */
  grade?: number
  source: string
}

export interface StudentEnrolment extends Enrolment {
  program_name: string
  kind: ProgramKind
  term: string
  left_on: string | null
  start: string
  end: string
  weekdays_mask: number
  fee_per_hour_fen: number
  place: string | null
}

export interface BillLine {
  kind: string
  program_id?: number
  name?: string
  amount_fen: number
  explain: string
  sessions?: number
  refund_fen?: number
  left_on?: string | null
}

export interface Bill {
  student_id: number
  term: string
  items: BillLine[]
  total_fen: number
  gross_fen: number
  waived: boolean
  waiver_fen: number
  cap_reduction_fen: number
  policy_version: string
}

export interface RollRow {
  student_id: number
  name: string
  class_name: string
  /** the class's grade, to say the class as people do (四年级1班) */
  grade?: number
  present: boolean | null
}

export interface Roll {
  program_id: number
  date: string
  session: boolean
  taken: boolean
  locked: boolean
  late_reason?: string | null
  taken_by_name?: string
  items: RollRow[]
  corrections: { id: number; student_id: number; present_before: boolean; present_after: boolean; reason: string; by_name: string | null }[]
}

export interface Credits {
  user_id: number
  minutes: number
  earned: number
  held: number
  spent: number
  minutes_per_half_day: number
  half_days_per_week_max: number
}

export interface Duty {
  id: number
  program_id: number
  program_name: string
  date: string
  minutes: number
  covering_for: number | null
}

export interface Leave {
  id: number
  user_id: number
  name: string
  date: string
  half: 'am' | 'pm'
  minutes: number
  status: 'pending' | 'approved' | 'rejected'
  decision_note: string | null
  week_start: string
}

export interface RosterItem {
  program_id: number
  name: string
  start: string
  end: string
  place: string | null
  staff_a: { id: number; name: string } | null
  staff_b: { id: number; name: string } | null
  a_away: boolean
  b_away: boolean
  on_duty: number | null
  post: 'A' | 'B' | 'uncovered'
}

export interface Subsidy {
  user_id: number
  name: string
  duty_minutes: number
  duties: number
  covering: number
  rate_fen: number
  class_hour_minutes: number
  amount_fen: number
  explain: string
}

export interface ReportSchool {
  school_id: number
  name: string
  rural: boolean
  pupils: number
  pupils_enrolled: number
  pupil_share: number
  teachers: number
  teachers_on_duty: number
  teacher_share: number
  programs: number
  offers_service: boolean
  days_covered: number
  school_days: number
  days_run: number
  asked: number
  placed: number
  unmet: number
  bills: number
  fees_billed_fen: number
  waived_fen: number
  subsidies_due_fen: number
  third_party_fees_fen: number
  cost_fen: number
  gap_fen: number | null
  topup_fen: number
  gap_left_fen: number | null
}

export interface Report {
  term: string
  items: ReportSchool[]
  total: number
  district: {
    schools: number
    schools_offering: number
    all_schools_offer: boolean
    pupils: number
    pupils_enrolled: number
    pupil_share: number
    teachers: number
    teachers_on_duty: number
    teacher_share: number
    asked: number
    placed: number
    unmet: number
    all_pupils_placed: boolean
    fees_billed_fen: number
    waived_fen: number
    subsidies_due_fen: number
    third_party_fees_fen: number
    rural_gap_fen: number
    rural_topup_fen: number
    rural_gap_left_fen: number
  }
}

const get = async <T>(url: string, params: Record<string, unknown> = {}) =>
  (await client.get<T>(url, { params: cleanParams(params) })).data
const post = async <T>(url: string, body: unknown = {}) => (await client.post<T>(url, body)).data

/* programs */
export const listPrograms = (school_id: number, term?: string, mine = false) =>
  get<Page<Program>>('/afterschool/programs', { school_id, term, mine: mine ? 1 : undefined, limit: 500 })
export const createProgram = (body: ProgramBody) => post<Program>('/afterschool/programs', body)
export const closeProgram = (id: number) => post<Program>(`/afterschool/programs/${id}/close`)
export const coverage = (school_id: number, term: string) => get<Coverage>('/afterschool/coverage', { school_id, term })

/* AS-10: the district's top-up of a rural school's gap */
export interface Topup {
  id: number
  school_id: number
  term: string
  amount_fen: number
  gap_fen: number
  topped_up_fen: number
  remaining_fen: number
}
export const createTopup = (body: { school_id: number; term: string; amount_fen: number; note?: string }) =>
  post<Topup>('/afterschool/topups', body)

/* vendors */
export const listVendors = (status?: 'active' | 'exited') => get<Page<Vendor>>('/afterschool/vendors', { status, limit: 500 })
export const createVendor = (body: Omit<Vendor, 'id' | 'status' | 'exited_on' | 'exit_reason' | 'institution_id'> & { institution_id?: number }) =>
  post<Vendor>('/afterschool/vendors', body)
export const exitVendor = (id: number, date: string, reason: string) =>
  post<{ open_programs_affected: number }>(`/afterschool/vendors/${id}/exit`, { date, reason })

/* enrolment */
export const enrol = (program_id: number, student_id: number) => post<Enrolment>('/afterschool/enrolments', { program_id, student_id })
export const cancelEnrolment = async (id: number, date?: string) => {
  await client.delete(`/afterschool/enrolments/${id}`, { params: cleanParams({ date }) })
}
export const programEnrolments = (id: number) => get<Page<ProgramEnrolment>>(`/afterschool/programs/${id}/enrolments`, { limit: 500 })
export const studentEnrolments = (id: number, term?: string) =>
  get<Page<StudentEnrolment>>(`/afterschool/students/${id}/enrolments`, { term, limit: 500 })
export const putChoices = (student_id: number, term: string, program_ids: number[]) =>
  post<{ items: { rank: number; program_id: number; name: string }[] }>('/afterschool/choices', { student_id, term, program_ids })
export const getChoices = (student_id: number, term: string) =>
  get<Page<{ rank: number; program_id: number; name: string }>>('/afterschool/choices', { student_id, term })
export const runAllocation = (school_id: number, term: string) =>
  post<{ id: number; seed: string; pupils: number; placed: number; waitlisted: number }>('/afterschool/allocations', { school_id, term })

/* the roll */
export const getRoll = (program_id: number, date: string) => get<Roll>(`/afterschool/programs/${program_id}/attendance`, { date })
export const takeRoll = async (program_id: number, date: string, present: number[], reason?: string) => {
  await client.post(`/afterschool/programs/${program_id}/attendance`, { date, present, ...(reason ? { reason } : {}) })
}
export const correctRoll = (program_id: number, body: { date: string; student_id: number; present: boolean; reason: string }) =>
  post(`/afterschool/programs/${program_id}/attendance/corrections`, body)

/* money */
export interface Waiver {
  student_id: number
  name: string
  class_name: string
  grade?: number
  reason: string
}
export const getBill = (student_id: number, term: string) => get<Bill>('/afterschool/bills', { student_id, term })
export const runBills = (term: string, school_id?: number) =>
  post<{ students: number; total_fen: number; waiver_fen: number; ms: number }>('/afterschool/bills/run', { term, ...(school_id ? { school_id } : {}) })
export const listWaivers = (school_id: number) =>
  get<Page<Waiver>>('/afterschool/waivers', { school_id, limit: 500 })
export const setWaiver = (student_id: number, reason: string) => post('/afterschool/waivers', { student_id, reason })
export const deleteWaiver = async (student_id: number) => {
  await client.delete(`/afterschool/waivers/${student_id}`)
}
export const subsidies = (school_id: number, term: string) =>
  get<{ items: Subsidy[]; total: number; total_fen: number; duty_minutes: number }>('/afterschool/subsidies', { school_id, term })
export const report = (term: string, school_id?: number) => get<Report>('/afterschool/reports/coverage', { term, school_id })
export async function reportXlsx(term: string): Promise<Blob> {
  return (await client.get<Blob>('/afterschool/reports/coverage.xlsx', { params: { term }, responseType: 'blob' })).data
}

/* teachers */
export const recordDuty = (body: { user_id: number; program_id: number; date: string; minutes: number }) =>
  post<Duty & { credits: Credits }>('/staff/duties', body)
export const myDuties = () => get<Page<Duty>>('/staff/duties', { limit: 100 })
export const credits = (user_id: number) => get<Credits>(`/staff/${user_id}/credits`)
export const askLeave = (date: string, half: 'am' | 'pm') => post<Leave & { credits: Credits }>('/staff/leave', { date, half })
export const listLeave = (school_id?: number, status?: string) => get<Page<Leave>>('/staff/leave', { school_id, status, limit: 200 })
export const decideLeave = (id: number, approve: boolean, note?: string) =>
  post<{ status: string }>(`/staff/leave/${id}/decision`, { approve, ...(note ? { note } : {}) })
export const roster = (school_id: number, date: string) =>
  get<{ date: string; school_day: boolean; items: RosterItem[] }>('/afterschool/roster', { school_id, date })
