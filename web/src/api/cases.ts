/*
 * cases.ts: the cases module's endpoints (docs/api/cases.md): public tip-offs and their status,
 * a guardian's complaints, the case pages (assign, replies, close, reopen, reward, penalties,
 * joint enforcement, the tipster's audited reveal, related cases, photos), the dashboard's
 * overdue card, inspections and rectifications, and the ledger's workbook.
 * Money is integer fen; photos are sent as their bytes (the server checks and cleans them).
 */
import { client, cleanParams, type Page, type Paging } from './client'

export type CaseStatus = 'open' | 'assigned' | 'answered' | 'closed'
export type Outcome = 'substantiated' | 'unsubstantiated' | 'referred'
export type Measure = 'warning' | 'rectify' | 'stop' | 'refund' | 'blacklist'
export type RectStatus = 'open' | 'submitted' | 'passed'

export const CATEGORIES = [
  'homework_overload', 'afterschool_fee', 'exam_ranking', 'unlicensed_training',
  'disguised_training', 'off_hours_training', 'prepaid_over_limit', 'refund_refused',
  'wage_arrears', 'other',
] as const
export type Category = (typeof CATEGORIES)[number]
export const STATUSES: readonly CaseStatus[] = ['open', 'assigned', 'answered', 'closed']
export const OUTCOMES: readonly Outcome[] = ['substantiated', 'unsubstantiated', 'referred']
export const MEASURES: readonly Measure[] = ['warning', 'rectify', 'stop', 'refund', 'blacklist']

// ---------- public ----------

export interface NewTip {
  category: Category
  text: string
  school_id?: number
  institution_id?: number
  place?: string
  anonymous: boolean
  name?: string
  phone?: string
}
export interface TipFiled {
  case_id: number
  tracking_code: string
  secret: string
  due_date: string
  status: CaseStatus
}
export interface PublicReply {
  at: string
  text: string
}
export interface PublicStatus {
  status: CaseStatus
  category: Category
  arrived_on: string
  due_date: string
  overdue: boolean
  outcome: Outcome | null
  reward_fen: number | null
  replies: PublicReply[]
  tracking_code?: string
}

export async function fileTip(body: NewTip): Promise<TipFiled> {
  return (await client.post<TipFiled>('/tips', body)).data
}
export async function tipStatus(code: string, secret: string): Promise<PublicStatus> {
  return (await client.get<PublicStatus>(`/tips/${encodeURIComponent(code)}`, { params: { secret } })).data
}
export async function tipPhoto(code: string, secret: string, file: Blob): Promise<{ id: number }> {
  return (await client.post(`/tips/${encodeURIComponent(code)}/photos`, file, {
    params: { secret }, headers: { 'Content-Type': file.type || 'application/octet-stream' },
  })).data
}
export async function publicSchools(q: string): Promise<Page<{ id: number; name: string }>> {
  return (await client.get('/public/schools', { params: cleanParams({ q, limit: 20 }) })).data
}
export interface PublicPenalty {
  id: number
  rule: 'PN-1' | 'PN-2'
  serious: boolean
  fine_fen: number
  measures: Measure[]
  decided_on: string
}
export async function publicPenalties(institutionId: number): Promise<Page<PublicPenalty>> {
  return (await client.get(`/public/institutions/${institutionId}/penalties`)).data
}

// ---------- complaints (a guardian) ----------

export interface NewComplaint {
  category: Category
  text: string
  student_id?: number
  school_id?: number
  institution_id?: number
  contract_id?: number
}
export interface CaseRow {
  id: number
  category: Category
  source: 'tip' | 'complaint' | 'inspector'
  status: CaseStatus
  school_id: number | null
  school_name: string | null
  institution_id: number | null
  assigned_school_id: number | null
  due_date: string
  overdue: boolean
  created_at: number
  arrived_on: string
  place: string | null
  outcome: Outcome | null
  reopened: number
}
export interface ComplaintView extends PublicStatus {
  id: number
  can_reopen: boolean
  reopened: number
}

export async function fileComplaint(body: NewComplaint): Promise<{ id: number; due_date: string; status: CaseStatus }> {
  return (await client.post('/complaints', body)).data
}
export async function myComplaints(p: Paging = {}): Promise<Page<CaseRow>> {
  return (await client.get('/complaints', { params: { limit: 100, ...p } })).data
}
export async function myComplaint(id: number): Promise<ComplaintView> {
  return (await client.get(`/complaints/${id}`)).data
}

// ---------- cases ----------

export interface CaseFilter extends Paging {
  status?: CaseStatus | ''
  category?: Category | ''
  overdue?: boolean
  school_id?: number
  institution_id?: number
}
export interface HistoryRow {
  id: number
  at: number
  actor_id: number | null
  actor_role: string
  actor_name: string | null
  action: string
  status: CaseStatus
  detail: Record<string, unknown> | null
}
export interface Reply {
  id: number
  at: number
  author_role: string
  author_name: string | null
  public: boolean
  text: string
}
export interface PhotoRef {
  id: number
  mime: string
  bytes: number
  at: number
}
export interface Penalty {
  id: number
  institution_id: number | null
  party: string | null
  rule: 'PN-1' | 'PN-2'
  serious: boolean
  illegal_income_fen: number
  fine_fen: number
  measures: Measure[]
  text: string | null
  contracts_refunded: number
  refund_fen: number
  decided_on: string
}
export interface Department {
  department: string
  task: string
  answer: string | null
  answered_at?: number | null
}
export interface Enforcement {
  id: number
  date: string
  place: string
  findings: string
  created_at: number
  departments: Department[]
}
export interface CaseDetail {
  id: number
  category: Category
  source: 'tip' | 'complaint' | 'inspector'
  status: CaseStatus
  text: string
  arrived_on: string
  due_date: string
  overdue: boolean
  created_at: number
  reopened: number
  school_id: number | null
  school_name: string | null
  institution_id: number | null
  institution?: { id: number; name: string; state: string; list: string }
  contract_id: number | null
  place: string | null
  assigned_school_id: number | null
  assigned_school_name: string | null
  assigned_user_id: number | null
  assigned_user_name: string | null
  outcome: Outcome | null
  outcome_text: string | null
  closed_on: string | null
  tipster?: { anonymous: boolean; name?: string | null; phone?: string | null }
  history: HistoryRow[]
  replies: Reply[]
  photos: PhotoRef[]
  penalties: Penalty[]
  enforcements: Enforcement[]
  reward: { id: number; amount_fen: number; text: string | null; decided_at: number } | null
}
export interface RelatedRow {
  id: number
  category: Category
  source: string
  status: CaseStatus
  institution_id: number | null
  place: string | null
  arrived_on: string
  due_date: string
  overdue: boolean
  same: 'institution' | 'place'
}
export interface OverdueBySchool {
  items: { school_id: number; school_name: string; open: number; overdue: number }[]
  total: number
  overdue: number
  open: number
  overdue_without_school: number
  as_of: string
}

export async function listCases(f: CaseFilter = {}): Promise<Page<CaseRow>> {
  return (await client.get('/cases', { params: cleanParams({ limit: 100, ...f, overdue: f.overdue ? 'true' : undefined }) })).data
}
export async function openCase(body: { category: Category; text: string; school_id?: number; institution_id?: number; place?: string }): Promise<CaseDetail> {
  return (await client.post('/cases', body)).data
}
export async function getCase(id: number): Promise<CaseDetail> {
  return (await client.get(`/cases/${id}`)).data
}
export async function relatedCases(id: number): Promise<Page<RelatedRow>> {
  return (await client.get(`/cases/${id}/related`)).data
}
export async function revealTipster(id: number): Promise<{ name: string | null; phone: string | null }> {
  return (await client.get(`/cases/${id}/tipster`)).data
}
export async function assignCase(id: number, to: { school_id?: number; user_id?: number }): Promise<CaseDetail> {
  return (await client.post(`/cases/${id}/assign`, to)).data
}
export async function replyCase(id: number, text: string, isPublic: boolean): Promise<Reply> {
  return (await client.post(`/cases/${id}/replies`, { text, public: isPublic })).data
}
export async function closeCase(id: number, outcome: Outcome, text: string): Promise<CaseDetail> {
  return (await client.post(`/cases/${id}/close`, { outcome, text })).data
}
export async function reopenCase(id: number, text: string): Promise<unknown> {
  return (await client.post(`/cases/${id}/reopen`, { text })).data
}
export async function rewardCase(id: number, amount_fen: number, text?: string): Promise<unknown> {
  return (await client.post(`/cases/${id}/reward`, cleanParams({ amount_fen, text }))).data
}
export interface NewPenalty {
  institution_id?: number
  party?: string
  rule: 'PN-1' | 'PN-2'
  illegal_income_fen: number
  fine_fen: number
  serious?: boolean
  measures: Measure[]
  text?: string
}
export interface PenaltyAnswer {
  id: number
  contracts_refunded: number
  refund_fen: number
  institution?: { id: number; state: string; list: string }
}
export async function decidePenalty(id: number, body: NewPenalty): Promise<PenaltyAnswer> {
  return (await client.post(`/cases/${id}/penalties`, cleanParams({ ...body }))).data
}
export async function addEnforcement(id: number, body: { date: string; place: string; findings: string; departments: Department[] }): Promise<CaseDetail> {
  return (await client.post(`/cases/${id}/enforcements`, body)).data
}
export async function answerEnforcement(enforcementId: number, department: string, answer: string): Promise<CaseDetail> {
  return (await client.post(`/enforcements/${enforcementId}/answers`, { department, answer })).data
}
export async function casePhoto(id: number, file: Blob): Promise<{ id: number }> {
  return (await client.post(`/cases/${id}/photos`, file, { headers: { 'Content-Type': file.type || 'application/octet-stream' } })).data
}
/** A photo's bytes (the server checks who may see it); shown through an object URL. */
export async function photoBlob(path: string): Promise<Blob> {
  return (await client.get(path, { responseType: 'blob' })).data as Blob
}
export async function overdueBySchool(): Promise<OverdueBySchool> {
  return (await client.get('/cases/overdue-by-school')).data
}
export async function ledgerXlsx(from: string, to: string): Promise<Blob> {
  return (await client.get('/cases/ledger.xlsx', { params: { from, to }, responseType: 'blob' })).data as Blob
}

// ---------- inspections and rectifications ----------

export interface RectRow {
  id: number
  inspection_id: number
  school_id: number | null
  school_name: string | null
  institution_id: number | null
  rule: string
  finding: string
  status: RectStatus
  due_date: string
  overdue: boolean
  report_text: string | null
  reported_at: number | null
  review_text: string | null
  reviewed_at: number | null
  returned: number
  inspection_date: string
}
export interface RectDetail extends RectRow {
  events: { id: number; at: number; actor_id: number; actor_name: string | null; action: 'reported' | 'passed' | 'returned'; text: string }[]
  photos: PhotoRef[]
}
export interface InspectionRow {
  id: number
  school_id: number | null
  school_name: string | null
  institution_id: number | null
  date: string
  note: string | null
  findings: number
  passed: number
}
export interface InspectionDetail extends Omit<InspectionRow, 'findings' | 'passed'> {
  created_by_name: string | null
  rectifications: RectRow[]
}
export interface NewInspection {
  school_id?: number
  institution_id?: number
  date: string
  note?: string
  findings: { rule: string; text: string; rectify_by: string }[]
}
export async function inspectionRules(): Promise<{ items: string[]; rectify_days_default: number }> {
  return (await client.get('/inspections/rules')).data
}
export async function createInspection(body: NewInspection): Promise<InspectionDetail> {
  return (await client.post('/inspections', cleanParams({ ...body }))).data
}
export async function listInspections(f: { school_id?: number; institution_id?: number } & Paging = {}): Promise<Page<InspectionRow>> {
  return (await client.get('/inspections', { params: cleanParams({ limit: 100, ...f }) })).data
}
export async function getInspection(id: number): Promise<InspectionDetail> {
  return (await client.get(`/inspections/${id}`)).data
}
export async function listRects(f: { status?: RectStatus | ''; overdue?: boolean; school_id?: number; institution_id?: number } & Paging = {}): Promise<Page<RectRow>> {
  return (await client.get('/rectifications', { params: cleanParams({ limit: 200, ...f, overdue: f.overdue ? 'true' : undefined }) })).data
}
export async function getRect(id: number): Promise<RectDetail> {
  return (await client.get(`/rectifications/${id}`)).data
}
export async function reportRect(id: number, text: string): Promise<RectDetail> {
  return (await client.post(`/rectifications/${id}/report`, { text })).data
}
export async function reviewRect(id: number, passed: boolean, text: string): Promise<RectDetail> {
  return (await client.post(`/rectifications/${id}/review`, { passed, text })).data
}
export async function rectPhoto(id: number, file: Blob): Promise<{ id: number }> {
  return (await client.post(`/rectifications/${id}/photos`, file, { headers: { 'Content-Type': file.type || 'application/octet-stream' } })).data
}
