/*
 * funds.ts: the funds module's endpoints (docs/api/funds.md): contracts, payments into escrow,
 * lessons released one by one, refunds, and the district's supervision (summary, warnings,
 * reconciliation, export). Money is integer fen; utils/money.ts shows it in 元.
 */
import { client, type Page } from './client'

export interface Contract {
  id: number
  amount_fen: number
  paid_fen: number
  released_fen: number
  refunded_fen: number
  escrow_fen: number
  owed_fen?: number
  lessons: number
  lessons_delivered: number
  lessons_left?: number
  price_per_lesson_fen: number
  status: 'open' | 'closed'
  course_id: number
  course_name: string
  institution_id: number
  institution_name: string
  student_id: number
  student_name: string
  start_date: string
  end_date: string
  category?: 'subject' | 'non_subject'
  close_reason?: string
  created_at?: string
  closed_at?: string
}

export interface LedgerEntry {
  seq: number
  txn: number
  kind: 'payment' | 'release' | 'refund'
  account: 'guardian' | 'escrow' | 'institution'
  account_id: number
  amount_fen: number
  at: number
  hash: string
}

export interface Lesson {
  id: number
  date: string
  txn: number
  created_at: number
  /** why it was recorded on a day the course does not meet, or null */
  reason?: string | null
}

export interface Warning {
  code: string
  rule: string
  level: 'high' | 'medium'
  value: number
  limit: number
}

export interface InstitutionFunds {
  id: number
  name: string
  category: 'subject' | 'non_subject'
  state: string
  list: string
  paid_fen: number
  released_fen: number
  refunded_fen: number
  escrow_fen: number
  released_30d_fen: number
  open_contracts: number
  contracts: number
  late_refunds: number
  days_since_last_lesson: number
  warnings: Warning[]
}

export interface Summary {
  paid_fen: number
  released_fen: number
  refunded_fen: number
  escrow_fen: number
  open_contracts: number
  institutions: number
  institutions_warned: number
  items: InstitutionFunds[]
  total: number
}

export interface VerifyResult {
  ok: boolean
  entries: number
  escrow_fen: number
  movements: number
  contracts: number
  head_seq: number
  head_hash: string
  guarded: boolean
  problem_count: number
  problems: string[]
  checkpoints: {
    keys_configured: boolean
    count: number
    valid: number
    anchored_entries: number
    anchored_at: string | null
    entries_after: number
  }
  checked_at: string
}

export interface Refund {
  id: number
  contract_id: number
  institution_id: number
  institution_name: string
  amount_fen: number
  reason: string
  requested_at: number
  due_date: string
  paid_out_at: number | null
}

export async function createContract(body: { course_id: number; student_id: number; lessons: number; start_date: string; end_date: string }): Promise<Contract> {
  return (await client.post<Contract>('/contracts', body)).data
}

export async function getContract(id: number): Promise<Contract> {
  return (await client.get<Contract>(`/contracts/${id}`)).data
}

export async function listContracts(params: { student_id?: number; institution_id?: number; status?: string; limit?: number; offset?: number } = {}): Promise<Page<Contract>> {
  return (await client.get<Page<Contract>>('/contracts', { params: { limit: 100, ...params } })).data
}

export async function pay(id: number, amount_fen: number): Promise<{ txn: number; amount_fen: number; contract: Contract }> {
  return (await client.post(`/contracts/${id}/payments`, { amount_fen })).data
}

/** One lesson delivered; `reason` says why it falls on a day the course does not meet. */
export async function recordLesson(id: number, date: string, reason?: string): Promise<{ id: number; released_fen: number; contract: Contract }> {
  return (await client.post(`/contracts/${id}/lessons`, reason ? { date, reason } : { date })).data
}

export async function refund(id: number, reason?: string): Promise<{ refund_fen: number; contract: Contract }> {
  return (await client.post(`/contracts/${id}/refund`, reason ? { reason } : undefined)).data
}

export async function contractLedger(id: number): Promise<Page<LedgerEntry>> {
  return (await client.get<Page<LedgerEntry>>(`/contracts/${id}/ledger`, { params: { limit: 500 } })).data
}

export async function contractLessons(id: number): Promise<Page<Lesson>> {
  return (await client.get<Page<Lesson>>(`/contracts/${id}/lessons`, { params: { limit: 500 } })).data
}

export async function fundsSummary(institution_id?: number): Promise<Summary> {
  return (await client.get<Summary>('/funds/summary', { params: institution_id ? { institution_id } : {} })).data
}

export async function fundsWarnings(): Promise<Page<InstitutionFunds>> {
  return (await client.get<Page<InstitutionFunds>>('/funds/warnings')).data
}

export async function verifyFunds(): Promise<VerifyResult> {
  return (await client.get<VerifyResult>('/funds/verify')).data
}

export async function listRefunds(params: { institution_id?: number; late?: number } = {}): Promise<Page<Refund>> {
  return (await client.get<Page<Refund>>('/refunds', { params: { limit: 200, ...params } })).data
}

export async function markPaidOut(id: number): Promise<void> {
  await client.post(`/refunds/${id}/paid-out`)
}

/** The district's summary as an XLSX file (a Blob to save). */
export async function exportFunds(): Promise<Blob> {
  return (await client.get('/funds/export.xlsx', { responseType: 'blob' })).data as Blob
}
