/*
 * homework.ts: homework and exams (API.md "Homework and exams", docs/api/homework.md):
 * publishing within the class-day cap, the board, family feedback, marking, the grade matrix
 * and adjustments, reports with the XLSX export, exam plans, scores and bands.
 */
import { client, cleanParams, type Page } from './client'
import { getToken } from '../stores/session'
import { currentLocale } from '../locales'

export type HomeworkKind = 'written' | 'oral' | 'reading' | 'practical'
export const HOMEWORK_KINDS: readonly HomeworkKind[] = ['written', 'oral', 'reading', 'practical']
export type Tier = 'required' | 'optional'
export type DayKind = 'school' | 'weekend' | 'holiday' | 'vacation'

export interface PublishBody {
  class_id: number
  date: string
  subject: string
  title: string
  content?: string
  kind: HomeworkKind
  tier?: Tier
  minutes: number
}

export interface DayBudget {
  limit_minutes: number
  written_minutes: number
  remaining_minutes: number
  day_kind: DayKind
  rule: string
  written_allowed: boolean
}

export interface Published {
  id: number
  class_id: number
  date: string
  subject: string
  title: string
  kind: HomeworkKind
  minutes: number
  day: DayBudget
}

/** The items that use a day's minutes, as a refusal (422 homework_over_limit) lists them. */
export interface UsingItem {
  id: number
  date: string
  subject: string
  title: string
  minutes: number
  teacher_name: string
}

export interface BoardItem {
  id: number
  subject: string
  title: string
  content: string
  kind: HomeworkKind
  tier: Tier
  minutes: number
  counts_against_cap: boolean
  teacher_name: string
  marked: boolean
  feedback?: { minutes_spent: number; completed: boolean; bedtime: boolean } | null
  /** to staff: how many families reported the item's time, and their mean (null: none) */
  reports?: number
  reported_minutes?: number | null
}

export interface Board {
  class_id: number
  class_name: string
  school_id: number
  date: string
  grade: number
  day_kind: DayKind
  rule: string
  limit_minutes: number
  written_minutes: number
  remaining_minutes: number
  written_allowed: boolean
  bedtime: string
  student_id?: number
  vacation?: { from: string; to: string; limit_minutes: number; written_minutes: number; remaining_minutes: number }
  items: BoardItem[]
}

export interface MyItem {
  id: number
  class_id: number
  class_name: string
  date: string
  subject: string
  title: string
  kind: HomeworkKind
  tier: Tier
  minutes: number
  marked: boolean
  feedback: { count: number; unfinished: number; avg_minutes: number | null; longer_than_estimate: boolean }
}

export interface Change {
  id: number
  homework_id: number
  title: string
  subject: string
  class_name: string
  from_date: string
  to_date: string
  from_minutes: number
  to_minutes: number
  reason: string
  by_name: string
  read: boolean
}

export interface MatrixCell {
  date: string
  items: number
  written_minutes: number
  subjects: number
  limit_minutes: number
  status: 'none' | 'ok' | 'near' | 'over'
  reported_minutes: number | null
  /** the families' reported written time passes the cap */
  reported_over: boolean
}

export interface Matrix {
  school_id: number
  grade: number
  from: string
  to: string
  days: { date: string; weekday: number; day_kind: DayKind; limit_minutes: number; rule: string; written_allowed: boolean }[]
  classes: { class_id: number; name: string; cells: MatrixCell[] }[]
}

export interface DayFigures {
  days_with_homework: number
  days_over_limit: number
  days_reported_over_limit: number
  reported_days: number
  avg_written_minutes: number | null
  avg_reported_minutes: number | null
}

export interface ClassRow extends DayFigures {
  class_id: number
  class_name: string
  grade: number
  within_limit: boolean
}

export interface SchoolRow extends DayFigures {
  school_id: number
  school_name: string
  classes: number
  classes_within: number
  classes_reported_over: number
  share_within: number | null
}

export interface SubjectRow {
  subject: string
  items: number
  written_items: number
  written_minutes: number
  reports: number
  avg_estimated_minutes: number | null
  avg_reported_minutes: number | null
  reported_to_estimate: number | null
}

export interface Report<T> extends Page<T> {
  group: 'class' | 'school'
  from: string
  to: string
  totals: DayFigures & { classes: number; classes_within: number; share_within: number | null }
  by_grade: (DayFigures & { grade: number })[]
  by_subject: SubjectRow[]
}

export interface Analysis {
  classes: { class_id: number; class_name: string; grade: number; reported_days: number; days_reported_over_estimate_within: number; flagged: boolean }[]
  teachers: { teacher_id: number; teacher_name: string; reported_items: number; avg_estimated_minutes: number | null; avg_reported_minutes: number | null; reported_to_estimate: number | null; estimates_short: boolean }[]
}

export async function publishHomework(body: PublishBody): Promise<Published> {
  return (await client.post<Published>('/homework', body)).data
}

export async function withdrawHomework(id: number): Promise<void> {
  await client.delete(`/homework/${id}`)
}

export async function classBoard(classId: number, date: string): Promise<Board> {
  return (await client.get<Board>(`/classes/${classId}/homework`, { params: { date } })).data
}

export async function studentBoard(studentId: number, date: string): Promise<Board> {
  return (await client.get<Board>(`/students/${studentId}/homework`, { params: { date } })).data
}

export async function sendFeedback(id: number, body: { student_id: number; minutes_spent: number; completed: boolean; bedtime?: boolean }): Promise<void> {
  await client.post(`/homework/${id}/feedback`, body)
}

export async function markHomework(id: number): Promise<void> {
  await client.post(`/homework/${id}/mark`, {})
}

/** HW-8: marking per pupil (in writing or face to face), or the whole class face to face. */
export interface Marks {
  homework_id: number
  pupils: number
  marked_pupils: number
  class_wide: boolean
  complete: boolean
}

export async function markPupils(id: number, body: { student_ids: number[]; face?: boolean } | { class_wide: true }): Promise<Marks> {
  return (await client.post<Marks>(`/homework/${id}/marks`, body)).data
}

/** HW-10: yesterday's "stopped at bedtime" reports on the caller's items. */
export interface BedtimeReport {
  id: number
  homework_id: number
  class_id: number
  class_name: string
  date: string
  subject: string
  title: string
  kind: HomeworkKind
  minutes: number
  student_id: number
  student_name: string
  minutes_spent: number
}

export interface Bedtime extends Page<BedtimeReport> {
  date: string
  homework_date: string
  prompt: string | null
}

export async function bedtimeReports(): Promise<Bedtime> {
  return (await client.get<Bedtime>('/homework/bedtime', { params: { limit: 200 } })).data
}

/** HW-8 flagged per teacher: written items unmarked after the policy's days. */
export interface UnmarkedTeacher {
  teacher_id: number
  teacher_name: string
  items: number
  oldest_date: string
  classes: number
}

export async function unmarkedByTeacher(schoolId: number): Promise<Page<UnmarkedTeacher> & { days: number }> {
  return (await client.get<Page<UnmarkedTeacher> & { days: number }>(`/schools/${schoolId}/homework/unmarked/teachers`, { params: { limit: 200 } })).data
}

/** HW-5: class-days whose reported time passes the written estimate far (possibly relabelled). */
export interface RelabelDay {
  class_id: number
  class_name: string
  grade: number
  date: string
  written_minutes: number
  other_minutes: number
  reported_minutes: number
  reported_items: number
}

export async function relabelledDays(schoolId: number, from: string, to: string): Promise<Page<RelabelDay> & { excess_minutes: number }> {
  return (await client.get<Page<RelabelDay> & { excess_minutes: number }>(`/schools/${schoolId}/homework/relabelled`, { params: { from, to, limit: 200 } })).data
}

export async function myHomework(from: string, to: string): Promise<Page<MyItem>> {
  return (await client.get<Page<MyItem>>('/homework', { params: { mine: 1, from, to, limit: 500 } })).data
}

export async function myChanges(): Promise<Page<Change>> {
  return (await client.get<Page<Change>>('/homework/changes', { params: { unread: 1 } })).data
}

export async function readChange(id: number): Promise<void> {
  await client.post(`/homework/changes/${id}/read`, {})
}

export async function gradeMatrix(schoolId: number, grade: number, week: string): Promise<Matrix> {
  return (await client.get<Matrix>(`/schools/${schoolId}/homework/matrix`, { params: { grade, week } })).data
}

export async function adjustHomework(id: number, body: { date?: string; minutes?: number; reason: string }): Promise<void> {
  await client.post(`/homework/${id}/adjust`, body)
}

export interface ReportQuery {
  school_id?: number
  from: string
  to: string
  grade?: number
  limit?: number
}

export async function homeworkReport(q: ReportQuery): Promise<Report<ClassRow & SchoolRow>> {
  return (await client.get<Report<ClassRow & SchoolRow>>('/reports/homework', { params: cleanParams({ limit: 500, ...q }) })).data
}

export async function homeworkAnalysis(q: ReportQuery): Promise<Analysis> {
  return (await client.get<Analysis>('/reports/homework/analysis', { params: cleanParams({ ...q }) })).data
}

export async function unmarkedHomework(schoolId: number): Promise<Page<MyItem>> {
  return (await client.get<Page<MyItem>>(`/schools/${schoolId}/homework/unmarked`, { params: { limit: 200 } })).data
}

/** The report as an XLSX file: fetched with the session's token, saved by the browser. */
export async function downloadReportXlsx(q: ReportQuery): Promise<void> {
  const r = await client.get<Blob>('/reports/homework.xlsx', { params: cleanParams({ ...q }), responseType: 'blob' })
  const url = URL.createObjectURL(r.data)
  const a = document.createElement('a')
  a.href = url
  a.download = `homework-${q.from}-${q.to}.xlsx`
  a.click()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

/** The printable board opens in a new tab; the page needs the token, so it is fetched here. */
export async function openPrintableBoard(classId: number, date: string): Promise<void> {
  const r = await fetch(`/api/v1/classes/${classId}/homework/print?date=${date}`, {
    headers: { Authorization: `Bearer ${getToken() ?? ''}`, 'Accept-Language': currentLocale() },
  })
  const html = await r.text()
  const w = window.open('', '_blank')
  if (w) {
    w.document.write(html)
    w.document.close()
  }
}

// ---- exams (EX-1..EX-4)

export type ExamKind = 'final' | 'midterm' | 'quiz'
export interface Exam {
  id: number
  school_id: number
  grade: number
  term: string
  kind: ExamKind
  paper: boolean
  scope: string
  date: string
  subject: string
  name: string
  full_marks: number
  scored?: number
}

export interface ExamBody {
  school_id: number
  grade: number
  term: string
  kind: ExamKind
  paper: boolean
  date: string
  subject?: string
  full_marks?: number
}

/** A result is a band, never a score or a rank (EX-4). */
export interface ExamResult {
  student_id: number
  name: string
  student_no: string
  class_id: number
  class_name: string
  band: string | null
}

export async function listExams(schoolId: number, term?: string): Promise<Page<Exam>> {
  return (await client.get<Page<Exam>>('/exams', { params: cleanParams({ school_id: schoolId, term, limit: 500 }) })).data
}

export async function createExam(body: ExamBody): Promise<Exam> {
  return (await client.post<Exam>('/exams', body)).data
}

export async function examResults(id: number): Promise<Page<ExamResult>> {
  return (await client.get<Page<ExamResult>>(`/exams/${id}/results`, { params: { limit: 500 } })).data
}

export async function enterScores(id: number, scores: { student_id: number; score: number }[]): Promise<void> {
  await client.post(`/exams/${id}/scores`, { scores })
}

export async function studentExams(studentId: number): Promise<Page<{ exam_id: number; name: string; kind: ExamKind; term: string; date: string; subject: string; band: string }>> {
  return (await client.get(`/students/${studentId}/exams`)).data
}
