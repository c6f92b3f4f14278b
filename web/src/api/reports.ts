/*
 * reports.ts: the reports module's endpoints (docs/api/reports.md): the half-monthly report upward
 * (RP-1, RP-3) with its periods, due dates, submission and revisions, workbook and one school's
 * breakdown; the district's report settings; RP-2's work ledger, typical cases with their photos
 * and the term compilation. Money is integer fen; shares are fractions 0..1 (null: no whole).
 */
import { client, cleanParams, type Page, type Paging } from './client'

export type ReportStatus = 'draft' | 'submitted'

export interface Penalties {
  'PN-1': number
  'PN-2': number
}

export interface Indicators {
  schools_total: number
  schools_homework_within_limits: number
  schools_afterschool_compliant: number
  pupils_afterschool_share: number | null
  teachers_afterschool_share: number | null
  pupils_total: number
  pupils_afterschool: number
  teachers_total: number
  teachers_afterschool: number
  institutions_subject: number
  institutions_suspended: number
  institutions_registered?: number
  institutions_subject_baseline: number | null
  institutions_subject_reduction: number | null
  institutions_subject_reduction_share: number | null
  baseline_date: string | null
  escrow_fen: number
  tips_received: number
  tips_substantiated: number
  cases_overdue: number
  penalties: Penalties
}

export interface OverDay {
  class_id: number
  class_name: string
  grade: number
  date: string
  limit_minutes: number
  written_minutes: number
  families: number
  median_minutes: number | null
  reason: 'written' | 'reported'
  rule: string
  policy_version: string
}

export interface SchoolBreakdown {
  school_id: number
  name: string
  homework: {
    class_days: number
    over_days: number
    over_written: number
    over_reported: number
    within: boolean
    over: OverDay[]
  }
  afterschool: {
    school_days: number
    served_days: number
    missing_days: { date: string; minutes: number }[]
    programs: number
    early_programs: { program_id: number; name: string; kind: string; end: string; off_work: string }[]
    compliant: boolean
  }
  pupils_total: number
  pupils_afterschool: number
  pupils_afterschool_share: number | null
  teachers_total: number
  teachers_afterschool: number
  teachers_afterschool_share: number | null
  cases?: { tips_received: number; tips_substantiated: number; cases_overdue: number }
}

export interface InstitutionRow {
  institution_id: number
  name: string
  category: 'subject' | 'non_subject'
  state: 'active' | 'suspended' | 'closed'
  license_valid_until: string
  subject_active: boolean
  suspended: boolean
  escrow_fen: number
}

export interface Rules {
  median_tolerance_minutes: number
  min_minutes_per_day: number
  summer_off_work: string
  winter_off_work: string
}

export interface HalfMonthly {
  period: string
  from: string
  to: string
  due_date: string
  status: ReportStatus
  late: boolean
  as_of: string
  computed_at: string
  policy_version: string
  school_days: string[]
  rules: Rules
  indicators: Indicators
  schools: SchoolBreakdown[]
  institutions: InstitutionRow[]
  cases_available: boolean
  revisions: number
  // a submitted report
  revision?: number
  submitted_at?: string
  submitted_by?: { id: number; name: string }
  submitted_late?: boolean
  digest?: string
  revision_reason?: string | null
}

export interface PeriodRow {
  period: string
  from: string
  to: string
  due_date: string
  status: ReportStatus
  late: boolean
  revision?: number
  submitted_at?: string
  digest?: string
}

export interface Due {
  today: string
  since: string
  current: PeriodRow
  next_due: PeriodRow & { days_left: number }
  late: (PeriodRow & { days_late: number })[]
  late_total: number
}

export interface Submitted {
  status: 'submitted'
  period: string
  revision: number
  submitted_at: string
  digest: string
  due_date: string
  submitted_late: boolean
}

export interface Revision {
  revision: number
  submitted_at: string
  submitted_by: { id: number; name: string }
  digest: string
  revision_reason: string | null
}

export interface ReportSettings {
  since: string | null
  since_effective: string
  baseline_date: string | null
  baseline_subject_institutions: number | null
}

export interface SchoolReport {
  period: string
  from: string
  to: string
  due_date: string
  status: ReportStatus
  school_days: string[] | null
  rules: Rules | null
  school: SchoolBreakdown | null
}

/** Which figures: the latest (submitted or draft), a stored revision, or the live draft. */
export interface Which {
  revision?: number
  draft?: boolean
}
const whichParams = (w: Which = {}) => cleanParams({ revision: w.revision || undefined, draft: w.draft ? 'true' : undefined })

export async function listPeriods(p: Paging = {}): Promise<Page<PeriodRow> & { since: string; today: string }> {
  return (await client.get('/reports/half-monthly', { params: cleanParams({ ...p }) })).data
}

export async function dueReports(): Promise<Due> {
  return (await client.get('/reports/due')).data
}

export async function halfMonthly(period: string, w: Which = {}): Promise<HalfMonthly> {
  return (await client.get(`/reports/half-monthly/${encodeURIComponent(period)}`, { params: whichParams(w) })).data
}

export async function submitReport(period: string, revisionReason?: string): Promise<Submitted> {
  const body = revisionReason ? { revision_reason: revisionReason } : {}
  return (await client.post(`/reports/half-monthly/${encodeURIComponent(period)}/submit`, body)).data
}

export async function listRevisions(period: string): Promise<Page<Revision>> {
  return (await client.get(`/reports/half-monthly/${encodeURIComponent(period)}/revisions`, { params: { limit: 100 } })).data
}

export async function schoolReport(period: string, schoolId: number, w: Which = {}): Promise<SchoolReport> {
  return (await client.get(`/reports/half-monthly/${encodeURIComponent(period)}/schools/${schoolId}`, { params: whichParams(w) })).data
}

/** Saves a blob under a name, as a download. */
export function saveBlob(data: Blob, name: string): void {
  const url = URL.createObjectURL(data)
  const a = document.createElement('a')
  a.href = url
  a.download = name
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

export async function downloadReportXlsx(period: string, name: string, w: Which = {}): Promise<void> {
  const r = await client.get<Blob>(`/reports/half-monthly/${encodeURIComponent(period)}.xlsx`, { params: whichParams(w), responseType: 'blob' })
  saveBlob(r.data, name)
}

export async function getSettings(): Promise<ReportSettings> {
  return (await client.get('/reports/settings')).data
}

export async function putSettings(s: { since?: string | null; baseline_date?: string | null; baseline_subject_institutions?: number | null }): Promise<ReportSettings> {
  return (await client.put('/reports/settings', s)).data
}

// ---------- RP-2 ----------

export interface LedgerDay {
  date: string
  classes: number
  items: number
  written_items: number
  avg_written_minutes: number | null
  over_classes: number
}
export interface LedgerAsDay {
  date: string
  programs: number
  rolls: number
  marked: number
  present: number
  teachers_on_duty: number
}
export interface LedgerRect {
  inspection_id: number
  rectification_id: number
  date: string
  rule: string
  text: string
  due_date: string
  status: 'open' | 'submitted' | 'passed'
}
export interface LedgerComplaint {
  case_id: number
  date: string
  category: string
  source: string
  status: string
  due_date: string
  closed_on: string | null
  outcome: string | null
  overdue: boolean
}
export interface Ledger {
  school_id: number
  name: string
  term: string
  from: string
  to: string
  homework: LedgerDay[]
  afterschool: LedgerAsDay[]
  inspections: LedgerRect[] | null
  complaints: LedgerComplaint[] | null
  notices: unknown[] | null
}

export async function schoolLedger(schoolId: number, term?: string): Promise<Ledger> {
  return (await client.get(`/schools/${schoolId}/ledger`, { params: cleanParams({ term }) })).data
}

export async function downloadLedgerXlsx(schoolId: number, term: string, name: string): Promise<void> {
  const r = await client.get<Blob>(`/schools/${schoolId}/ledger.xlsx`, { params: { term }, responseType: 'blob' })
  saveBlob(r.data, name)
}

export const CASE_TOPICS = ['homework', 'afterschool', 'exams', 'training', 'family', 'other'] as const
export type CaseTopic = (typeof CASE_TOPICS)[number]
export type CaseStatus = 'submitted' | 'selected' | 'published'

export interface TypicalCase {
  id: number
  school_id: number
  school_name: string
  term: string
  topic: CaseTopic
  title: string
  body: string
  status: CaseStatus
  submitted_at: string
  edited_at: string | null
  selected_at: string | null
  published_at: string | null
  photos: number
  photo_list?: { id: number; mime?: string; bytes?: number }[]
}

export async function listCases(q: { school_id?: number; term?: string; status?: CaseStatus } & Paging = {}): Promise<Page<TypicalCase>> {
  return (await client.get('/typical-cases', { params: cleanParams({ ...q }) })).data
}

export async function getCase(id: number): Promise<TypicalCase> {
  return (await client.get(`/typical-cases/${id}`)).data
}

export async function createCase(c: { topic: CaseTopic; title: string; body: string; term?: string; school_id?: number }): Promise<TypicalCase> {
  return (await client.post('/typical-cases', c)).data
}

export async function editCase(id: number, c: { topic?: CaseTopic; title?: string; body?: string }): Promise<TypicalCase> {
  return (await client.put(`/typical-cases/${id}`, c)).data
}

export async function selectCase(id: number, selected: boolean): Promise<TypicalCase> {
  return (await client.post(`/typical-cases/${id}/select`, { selected })).data
}

export async function publishCase(id: number): Promise<TypicalCase> {
  return (await client.post(`/typical-cases/${id}/publish`)).data
}

export async function addCasePhoto(id: number, file: Blob): Promise<{ id: number }> {
  return (await client.post(`/typical-cases/${id}/photos`, file, { headers: { 'Content-Type': file.type || 'application/octet-stream' } })).data
}

export async function deleteCasePhoto(id: number, photoId: number): Promise<void> {
  await client.delete(`/typical-cases/${id}/photos/${photoId}`)
}

/** A photo's bytes (the server checks who may see it); shown through an object URL. */
export async function casePhotoBlob(id: number, photoId: number): Promise<Blob> {
  return (await client.get(`/typical-cases/${id}/photos/${photoId}`, { responseType: 'blob' })).data as Blob
}

export interface CompilationPeriod {
  period: string
  from: string
  to: string
  due_date: string
  status: ReportStatus
  revision?: number
  digest?: string
  submitted_at?: string
  indicators: Indicators | null
}
export interface Compilation {
  term: string
  from: string
  to: string
  periods: CompilationPeriod[]
  latest: { period: string; indicators: Indicators } | null
  cases: TypicalCase[]
}

export async function compilation(term: string): Promise<Compilation> {
  return (await client.get('/reports/compilation', { params: { term } })).data
}
