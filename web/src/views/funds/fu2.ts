/*
 * fu2.ts: FU-2 as the sign-up dialog needs it, the same counting as the server's
 * funds_prepay_check (src/funds/rules.c, docs/api/funds.md "FU-2 counting"): the lessons of
 * every open contract of the same pupil with the same institution plus the new one may not pass
 * `max_class_hours`; the span from the earliest start to the latest end must end before the same
 * day `max_months` months after the earliest start (the month's last day standing in for a
 * missing day). Pure functions; dates are YYYY-MM-DD.
 */

export interface Fu2Limits {
  max_months: number
  max_class_hours: number
}

export const FU2_NATIONAL: Fu2Limits = { max_months: 3, max_class_hours: 60 }

export interface OpenSpan {
  lessons: number
  start_date: string
  end_date: string
}

/** `date` plus `months` months; a day the month lacks becomes its last day (01-31 + 1 → 02-28). */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number)
  const total = y * 12 + (m - 1) + months
  const ny = Math.floor(total / 12)
  const nm = (total % 12) + 1
  const last = new Date(Date.UTC(ny, nm, 0)).getUTCDate()
  return `${String(ny).padStart(4, '0')}-${String(nm).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`
}

function dayBefore(date: string): string {
  const t = new Date(`${date}T00:00:00Z`)
  t.setUTCDate(t.getUTCDate() - 1)
  return t.toISOString().slice(0, 10)
}

/** The latest end date FU-2 allows when the earliest start of the contracts counted is `first`. */
export function latestEnd(first: string, limits: Fu2Limits): string {
  return dayBefore(addMonths(first, limits.max_months))
}

export interface Fu2Room {
  /** lessons of the open contracts counted */
  used: number
  /** lessons a new contract may still hold */
  lessonsLeft: number
  /** the earliest start among the open contracts and the new one */
  first: string
  /** the latest end date a new contract starting on `start` may have */
  latestEnd: string
  /** false when no contract starting on `start` can pass */
  possible: boolean
}

/** What a new contract starting on `start` may hold, given the pupil's open contracts there. */
export function fu2Room(start: string, open: readonly OpenSpan[], limits: Fu2Limits): Fu2Room {
  let used = 0
  let first = start
  for (const c of open) {
    used += c.lessons
    if (c.start_date < first) first = c.start_date
  }
  const latest = latestEnd(first, limits)
  const lessonsLeft = Math.max(0, limits.max_class_hours - used)
  // every open contract must also end by then
  const openEndsOk = open.every((c) => c.end_date <= latest)
  return { used, lessonsLeft, first, latestEnd: latest, possible: lessonsLeft > 0 && latest >= start && openEndsOk }
}

/** Default figures for the sign-up form: they pass FU-2 whenever a contract can. */
export function fu2Defaults(start: string, open: readonly OpenSpan[], limits: Fu2Limits, lessons = 10): { lessons: number; start_date: string; end_date: string } {
  const r = fu2Room(start, open, limits)
  return {
    lessons: Math.max(1, Math.min(lessons, r.lessonsLeft || 1)),
    start_date: start,
    end_date: r.latestEnd >= start ? r.latestEnd : start,
  }
}

/** The FU-2 limits of a policy's rules (GET /policy `rules`), the national ones when absent. */
export function fu2Limits(rules: Record<string, unknown> | undefined): Fu2Limits {
  const r = (rules?.['FU-2'] ?? {}) as Partial<Record<keyof Fu2Limits, unknown>>
  const num = (v: unknown, d: number) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : d)
  return { max_months: num(r.max_months, FU2_NATIONAL.max_months), max_class_hours: num(r.max_class_hours, FU2_NATIONAL.max_class_hours) }
}
