/*
 * notices.ts: notices with read receipts (NT-1), the public page, and families' evaluations of
 * after-school programs (NT-2): API.md "Notices and family evaluations", docs/api/notices.md.
 */
import { client, cleanParams, type Page, type Paging } from './client'

export type AudienceRole = 'guardian' | 'teacher' | 'grade_leader' | 'school_admin'
export const AUDIENCE_ROLES: readonly AudienceRole[] = ['guardian', 'teacher', 'grade_leader', 'school_admin']

export interface Audience {
  school_id?: number
  school_ids?: number[]
  grade?: number
  grades?: number[]
  class_id?: number
  roles: AudienceRole[]
}

export interface NoticeBody {
  title: string
  body: string
  audience: Audience
  public?: boolean
  attachment_ids?: number[]
}

export interface InboxItem {
  id: number
  title: string
  from: string
  at: string
  read: boolean
  read_at: string | null
  reminded: boolean
  public: boolean
  attachments: number
}

export interface Attachment {
  id: number
  name: string
  type: string
  size: number
}

export interface Notice {
  id: number
  title: string
  body: string
  from: string
  at: string
  public: boolean
  school_id?: number | null
  attachments: Attachment[]
  received?: boolean
  read?: boolean
  follows?: boolean
  audience?: Audience
  recipients?: number
  read_count?: number
  reminders?: number
}

export interface SentItem {
  id: number
  title: string
  from: string
  at: string
  recipients: number
  read: number
  reminders: number
  reminded_at: string | null
  public: boolean
  school_id: number | null
  sender_id: number
}

export interface UnreadPerson {
  user_id: number
  name: string
  class_id: number | null
  grade: number | null
  class_name: string | null
  student_name: string | null
}

export interface ClassReceipt {
  class_id: number
  grade: number
  class_name: string
  recipients: number
  read: number
}

export interface Receipts {
  notice_id: number
  title: string
  recipients: number
  read: number
  unread_count: number
  unread: UnreadPerson[]
  unread_total: number
  reminders: { day: string; unread: number; at: string }[]
  by_class: ClassReceipt[] | null
}

export async function sendNotice(body: NoticeBody): Promise<{ id: number; recipients: number }> {
  return (await client.post('/notices', body)).data
}

export async function previewNotice(audience: Audience, isPublic = false): Promise<{ recipients: number }> {
  return (await client.post('/notices/preview', { audience, public: isPublic })).data
}

export async function uploadAttachment(file: File): Promise<Attachment> {
  const r = await client.post('/notices/attachments', file, {
    params: { name: file.name },
    headers: { 'Content-Type': 'application/octet-stream' },
  })
  return r.data
}

export async function inbox(p: Paging & { unread?: boolean } = {}): Promise<Page<InboxItem>> {
  return (await client.get('/notices', { params: cleanParams({ ...p, unread: p.unread ? 'true' : undefined }) })).data
}

export async function unreadCount(): Promise<number> {
  return (await client.get('/notices/unread-count')).data.unread
}

export async function sentNotices(p: Paging & { school_id?: number; all?: boolean } = {}): Promise<Page<SentItem>> {
  return (await client.get('/notices/sent', { params: cleanParams({ ...p, all: p.all ? 'true' : undefined }) })).data
}

export async function getNotice(id: number): Promise<Notice> {
  return (await client.get(`/notices/${id}`)).data
}

export async function markRead(id: number): Promise<void> {
  await client.post(`/notices/${id}/read`)
}

export async function receipts(id: number, p: Paging & { class_id?: number } = {}): Promise<Receipts> {
  return (await client.get(`/notices/${id}/receipts`, { params: cleanParams({ ...p }) })).data
}

export async function remind(id: number): Promise<{ reminded: number; day: string }> {
  return (await client.post(`/notices/${id}/remind`)).data
}

/** A file of a notice, as a Blob (the request carries the token). */
export async function attachmentBlob(noticeId: number, id: number): Promise<Blob> {
  return (await client.get(`/notices/${noticeId}/attachments/${id}`, { responseType: 'blob' })).data
}

/* ---- the public page: no log-in ---- */

export interface PublicNotice {
  id: number
  title: string
  excerpt: string
  from: string
  at: string
  attachments: number
}

export interface ListedInstitution {
  id: number
  name: string
  category: 'subject' | 'non_subject'
  address: string
  online: boolean
}

export interface Publicity {
  district: { id: number; name: string }
  notices: Page<PublicNotice>
  institutions: { white: Page<ListedInstitution>; black: Page<ListedInstitution> }
  prepay: { rule: string; max_months: number; max_class_hours: number; refund_rule: string; refund_within_days: number }
}

export async function publicity(districtId?: number, p: Paging = {}): Promise<Publicity> {
  return (await client.get('/public/publicity', { params: cleanParams({ district_id: districtId, ...p }) })).data
}

export async function publicNotice(id: number): Promise<Notice> {
  return (await client.get(`/public/notices/${id}`)).data
}

/** The address of a public notice's file: a plain link, no token needed. */
export function publicAttachmentUrl(noticeId: number, id: number): string {
  return `/api/v1/public/notices/${noticeId}/attachments/${id}`
}

/* ---- evaluations (NT-2) ---- */

export interface FamilyProgram {
  program_id: number
  program_name: string
  student_id: number
  student_name: string
  school_id: number
  term: string
  evaluation: { score: number; text: string | null; at: string } | null
}

export interface FlagRule {
  rule: string
  flag_average_below: number
  flag_min_evaluations: number
}

export interface ProgramEvaluations extends FlagRule {
  program_id: number
  program_name: string
  term: string
  count: number
  average: number
  flagged: boolean
  items: { score: number; text: string | null; at: string }[]
  total: number
}

export interface ProgramSummary {
  program_id: number
  name: string
  school_id: number
  school_name: string
  count: number
  average: number
  flagged: boolean
}

export interface SchoolSummary {
  school_id: number
  name: string
  programs: number
  count: number
  average: number
  flagged: number
}

export async function familyPrograms(term: string): Promise<Page<FamilyProgram> & { score_min: number; score_max: number }> {
  return (await client.get('/afterschool/evaluations/mine', { params: { term } })).data
}

export async function evaluate(programId: number, body: { student_id: number; score: number; text?: string }): Promise<{ id: number }> {
  return (await client.post(`/afterschool/programs/${programId}/evaluations`, body)).data
}

export async function programEvaluations(programId: number, p: Paging = {}): Promise<ProgramEvaluations> {
  return (await client.get(`/afterschool/programs/${programId}/evaluations`, { params: cleanParams({ ...p }) })).data
}

export async function programSummaries(term: string, p: { school_id?: number; flagged?: boolean } & Paging = {}): Promise<Page<ProgramSummary> & FlagRule> {
  return (await client.get('/afterschool/evaluations/programs', {
    params: cleanParams({ term, ...p, flagged: p.flagged ? 'true' : undefined }),
  })).data
}

export async function schoolSummaries(term: string, p: Paging = {}): Promise<Page<SchoolSummary> & FlagRule> {
  return (await client.get('/afterschool/evaluations/schools', { params: cleanParams({ term, ...p }) })).data
}
