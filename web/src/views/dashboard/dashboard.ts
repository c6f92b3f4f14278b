/*
 * dashboard.ts: the district dashboard's pure parts (JOURNEYS.md 1.1): the week it looks at,
 * schools ranked worst first by their share of classes within the homework cap, the share's
 * colour band, the after-school and funds figures' "is there anything yet" tests, the open risk
 * warnings as one list, and money in 元. No I/O, no Vue: unit-tested in dashboard.test.ts.
 */
import type { SchoolRow } from '../../api/homework'
import type { Report as AsReport, ReportSchool } from '../../api/afterschool'
import type { InstitutionFunds, Summary, Warning } from '../../api/funds'

export type Period = 'last' | 'this'
export const PERIODS: readonly Period[] = ['last', 'this']

/** 1 Monday .. 7 Sunday of a YYYY-MM-DD date. */
export function weekdayOf(date: string): number {
  return ((new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7) + 1
}

export function addDays(date: string, n: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + n * 86400e3).toISOString().slice(0, 10)
}

/**
 * The dates a period covers, weeks running Monday to Sunday: `last` the whole week before
 * today's (what the office reports on Monday morning), `this` this week's Monday to today.
 */
export function periodRange(period: Period, today: string): { from: string; to: string } {
  const monday = addDays(today, 1 - weekdayOf(today))
  return period === 'last' ? { from: addDays(monday, -7), to: addDays(monday, -1) } : { from: monday, to: today }
}

type ShareRow = Pick<SchoolRow, 'school_id' | 'school_name' | 'share_within' | 'days_over_limit' | 'days_reported_over_limit'>

/**
 * Schools worst first: the lowest share of classes within the cap, then more class-days over
 * the cap (estimated, then reported by families), then by name. Schools without a share (no
 * classes) come last, by name: they have nothing to be worst at.
 */
export function worstFirst<T extends ShareRow>(rows: readonly T[]): T[] {
  const byName = (a: T, b: T) => a.school_name.localeCompare(b.school_name, 'zh-CN') || a.school_id - b.school_id
  return [...rows].sort((a, b) => {
    const na = a.share_within === null || a.share_within === undefined
    const nb = b.share_within === null || b.share_within === undefined
    if (na || nb) return na && nb ? byName(a, b) : na ? 1 : -1
    return (a.share_within as number) - (b.share_within as number) ||
      (b.days_over_limit ?? 0) - (a.days_over_limit ?? 0) ||
      (b.days_reported_over_limit ?? 0) - (a.days_reported_over_limit ?? 0) ||
      byName(a, b)
  })
}

/** The colour band of a share within the cap: all classes, most (≥ 80 %), or fewer. */
export function shareBand(share: number | null | undefined): 'ok' | 'warn' | 'bad' | 'none' {
  if (share === null || share === undefined) return 'none'
  if (share >= 1) return 'ok'
  return share >= 0.8 ? 'warn' : 'bad'
}

export const BAND_COLOURS = { ok: '#67c23a', warn: '#e6a23c', bad: '#f56c6c', none: '#c0c4cc' } as const

/** A share (0..1) as a percentage with at most one decimal: 0.625 → "62.5%"; null → "-". */
export function pct(share: number | null | undefined): string {
  if (share === null || share === undefined || !Number.isFinite(share)) return '-'
  return `${Math.round(share * 1000) / 10}%`
}

/** The homework report has something to rank once some class had homework in the period. */
export function homeworkHasData(r: { totals: { days_with_homework: number } } | null | undefined): boolean {
  return !!r && r.totals.days_with_homework > 0
}

/** After-school participation means something once some school runs a program or has a pupil in one. */
export function afterschoolHasData(r: Pick<AsReport, 'items' | 'district'> | null | undefined): boolean {
  return !!r && (r.district.pupils_enrolled > 0 || r.items.some((s) => s.programs > 0))
}

/** Schools by after-school participation, the lowest pupil share first (then teachers, name). */
export function lowestParticipationFirst<T extends Pick<ReportSchool, 'school_id' | 'name' | 'pupil_share' | 'teacher_share'>>(
  rows: readonly T[],
): T[] {
  return [...rows].sort((a, b) =>
    a.pupil_share - b.pupil_share || a.teacher_share - b.teacher_share ||
    a.name.localeCompare(b.name, 'zh-CN') || a.school_id - b.school_id)
}

/** Funds are under supervision once an institution is registered or a family has paid. */
export function fundsHasData(s: Pick<Summary, 'institutions' | 'paid_fen'> | null | undefined): boolean {
  return !!s && (s.institutions > 0 || s.paid_fen > 0)
}

export interface OpenWarning extends Warning {
  institution_id: number
  institution_name: string
}

/** Every open warning of every institution as one list: high before medium, then by name. */
export function openWarnings(items: readonly Pick<InstitutionFunds, 'id' | 'name' | 'warnings'>[]): OpenWarning[] {
  const out: OpenWarning[] = []
  for (const i of items) {
    for (const w of i.warnings ?? []) out.push({ ...w, institution_id: i.id, institution_name: i.name })
  }
  const rank = (l: string) => (l === 'high' ? 0 : l === 'medium' ? 1 : 2)
  return out.sort((a, b) =>
    rank(a.level) - rank(b.level) || a.institution_name.localeCompare(b.institution_name, 'zh-CN') ||
    a.institution_id - b.institution_id || a.code.localeCompare(b.code))
}

/** Integer fen as 元 with thousands separators and two decimals: 123456789 → "1,234,567.89". */
export function yuanText(fen: number | null | undefined): string {
  if (fen === null || fen === undefined || !Number.isFinite(fen)) return '-'
  const neg = fen < 0
  const a = Math.abs(Math.trunc(fen))
  const whole = String(Math.floor(a / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  return `${neg ? '-' : ''}${whole}.${String(a % 100).padStart(2, '0')}`
}
