/*
 * calendar.ts: the pure parts of the school calendar page (no I/O, no Vue; unit-tested in
 * calendar.test.ts). Dates are "YYYY-MM-DD" strings, computed in UTC so that the browser's time
 * zone never shifts a day.
 *
 * The server classifies each day (GET /api/v1/calendar): a holiday row → holiday; outside the
 * term → vacation; a make-up workday row (调休) → school; Saturday or Sunday → weekend; else
 * school. The page colours one more case apart: a school day the district marked by name on a
 * weekend is a make-up workday (调休上班).
 */

export type DayKind = 'school' | 'weekend' | 'holiday' | 'vacation'
export type DayTone = DayKind | 'workday'

export interface CalendarDay {
  date: string
  kind: DayKind | string
  weekday: number // 1 = Monday … 7 = Sunday
  name?: string
}

export interface Term {
  term: string // "2026-autumn" | "2026-spring"
  first_day: string
  last_day: string
}

export type Season = 'autumn' | 'spring'

/** The longest term the server accepts, in days from the first to the last day. */
export const TERM_MAX_DAYS = 200

const DAY_MS = 86_400_000

function toUtc(date: string): number {
  const [y, m, d] = date.split('-').map(Number)
  return Date.UTC(y, m - 1, d)
}

function fromUtc(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10)
}

export function addDays(date: string, n: number): string {
  return fromUtc(toUtc(date) + n * DAY_MS)
}

/** Days from `a` to `b` (negative when b is before a). */
export function daysBetween(a: string, b: string): number {
  return Math.round((toUtc(b) - toUtc(a)) / DAY_MS)
}

/** 1 = Monday … 7 = Sunday, as the server numbers them. */
export function weekdayOf(date: string): number {
  const w = new Date(toUtc(date)).getUTCDay()
  return w === 0 ? 7 : w
}

/** "2026-09" → the first day of that month, and the month before / after. */
export function monthStart(month: string): string {
  return `${month}-01`
}

export function shiftMonth(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number)
  const total = y * 12 + (m - 1) + n
  return `${String(Math.floor(total / 12)).padStart(4, '0')}-${String((total % 12) + 1).padStart(2, '0')}`
}

/**
 * The weeks of a month as a Monday-first grid: whole weeks from the Monday on or before the 1st
 * to the Sunday on or after the last day (4 to 6 rows of 7 dates).
 */
export function monthGrid(month: string): string[][] {
  const first = monthStart(month)
  const last = addDays(monthStart(shiftMonth(month, 1)), -1)
  const start = addDays(first, 1 - weekdayOf(first))
  const end = addDays(last, 7 - weekdayOf(last))
  const weeks: string[][] = []
  for (let d = start; d <= end; d = addDays(d, 7)) {
    weeks.push(Array.from({ length: 7 }, (_, i) => addDays(d, i)))
  }
  return weeks
}

/** The colour class of a day: its kind, or `workday` for a make-up school day on a weekend. */
export function dayTone(day: Pick<CalendarDay, 'kind' | 'weekday' | 'name'>): DayTone {
  switch (day.kind) {
    case 'holiday':
    case 'vacation':
    case 'weekend':
      return day.kind
    case 'school':
      return day.name && day.weekday >= 6 ? 'workday' : 'school'
    default:
      return 'school'
  }
}

/** What the day dialog starts with: a marked holiday or workday keeps its kind and name. */
export function dayMarkDefaults(day: CalendarDay): { kind: 'holiday' | 'workday'; name: string } {
  if (day.kind === 'holiday') return { kind: 'holiday', name: day.name ?? '' }
  if (day.kind === 'school' && day.name) return { kind: 'workday', name: day.name }
  // A weekend or vacation day is most often made a make-up workday only on a weekend.
  return { kind: day.weekday >= 6 && day.kind === 'weekend' ? 'workday' : 'holiday', name: day.name ?? '' }
}

/** "2026-autumn" → { year: 2026, season: "autumn" }; null for anything else. */
export function parseTerm(term: string): { year: number; season: Season } | null {
  const m = /^(\d{4})-(autumn|spring)$/.exec(term)
  return m ? { year: Number(m[1]), season: m[2] as Season } : null
}

/** The server's default bounds of a term: autumn 09-01 → 01-20 next year, spring 02-20 → 07-10. */
export function defaultTermBounds(year: number, season: Season): { first_day: string; last_day: string } {
  const y = String(year).padStart(4, '0')
  return season === 'autumn'
    ? { first_day: `${y}-09-01`, last_day: `${String(year + 1).padStart(4, '0')}-01-20` }
    : { first_day: `${y}-02-20`, last_day: `${y}-07-10` }
}

/** The term a date belongs to, as the server counts: Aug-Dec and January autumn, the rest spring. */
export function termOfDate(date: string): string {
  const [y, m] = date.split('-').map(Number)
  if (m >= 8) return `${y}-autumn`
  if (m === 1) return `${y - 1}-autumn`
  return `${y}-spring`
}

/**
 * What is wrong with a term's dates, or null: 'order' when the last day is before the first,
 * 'length' when it runs more than TERM_MAX_DAYS days (the server refuses both); 'season' when
 * a day falls outside the months of its term (autumn: August to January, spring: February to
 * July). The server accepts the last, but it reads each date's kind from the term of the date's
 * own months, so such a day would not follow this term.
 */
export function termDatesProblem(first: string, last: string, term?: string): 'order' | 'length' | 'season' | null {
  if (last < first) return 'order'
  if (daysBetween(first, last) > TERM_MAX_DAYS) return 'length'
  if (term && (termOfDate(first) !== term || termOfDate(last) !== term)) return 'season'
  return null
}

/** Teaching weeks in a term, counted as calendar weeks touched (for the term list). */
export function termWeeks(first: string, last: string): number {
  const start = addDays(first, 1 - weekdayOf(first))
  return Math.floor(daysBetween(start, last) / 7) + 1
}
