/*
 * school.ts: facts about the school system the pages share: which grades a kind of school has,
 * the subjects teachers are assigned to. Subject values are stored as the Chinese names school
 * offices and the national rosters use; `key` is their i18n key for display.
 */
import type { SchoolKind } from '../api/schools'

export const ALL_GRADES = [1, 2, 3, 4, 5, 6, 7, 8, 9] as const

/** Grades a school of this kind teaches: 小学 1-6, 初中 7-9, 九年一贯制 1-9. */
export function gradesOf(kind: SchoolKind | undefined | null): number[] {
  if (kind === 'primary') return [1, 2, 3, 4, 5, 6]
  if (kind === 'junior') return [7, 8, 9]
  return [...ALL_GRADES]
}

export interface Subject {
  value: string
  key: string
}

export const SUBJECTS: readonly Subject[] = [
  { value: '语文', key: 'chinese' },
  { value: '数学', key: 'math' },
  { value: '英语', key: 'english' },
  { value: '道德与法治', key: 'morality' },
  { value: '科学', key: 'science' },
  { value: '物理', key: 'physics' },
  { value: '化学', key: 'chemistry' },
  { value: '生物', key: 'biology' },
  { value: '历史', key: 'history' },
  { value: '地理', key: 'geography' },
  { value: '体育与健康', key: 'pe' },
  { value: '音乐', key: 'music' },
  { value: '美术', key: 'art' },
  { value: '信息科技', key: 'it' },
  { value: '劳动', key: 'labour' },
  { value: '综合实践活动', key: 'practice' },
]

/** The i18n key of a subject value, or null for one not in the list (shown as it is). */
export function subjectKey(value: string): string | null {
  const s = SUBJECTS.find((x) => x.value === value)
  return s ? `subjects.${s.key}` : null
}
