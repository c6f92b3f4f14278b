/*
 * reports.ts: what the report pages compute for display. Pure functions, unit-tested in
 * reports.test.ts. A period is YYYY-MM-1 (the 1st to the 15th) or YYYY-MM-2 (the 16th to the
 * month's end), as the server's (src/reports/rules.c); shares are fractions 0..1 or null.
 */
import type { SchoolBreakdown } from '../../api/reports'

export interface PeriodParts {
  year: number
  month: number
  half: 1 | 2
}

export function parsePeriod(id: string): PeriodParts | null {
  const m = /^(\d{4})-(\d{2})-([12])$/.exec(id)
  if (!m) return null
  const month = Number(m[2])
  if (month < 1 || month > 12) return null
  return { year: Number(m[1]), month, half: Number(m[3]) as 1 | 2 }
}

/** The period a day (YYYY-MM-DD) falls in. */
export function periodOf(day: string): string {
  return `${day.slice(0, 7)}-${Number(day.slice(8, 10)) <= 15 ? 1 : 2}`
}

export function prevPeriod(id: string): string {
  const p = parsePeriod(id)
  if (!p) return id
  if (p.half === 2) return `${p.year}-${String(p.month).padStart(2, '0')}-1`
  const m = p.month === 1 ? 12 : p.month - 1
  const y = p.month === 1 ? p.year - 1 : p.year
  return `${y}-${String(m).padStart(2, '0')}-2`
}

export function nextPeriod(id: string): string {
  const p = parsePeriod(id)
  if (!p) return id
  if (p.half === 1) return `${p.year}-${String(p.month).padStart(2, '0')}-2`
  const m = p.month === 12 ? 1 : p.month + 1
  const y = p.month === 12 ? p.year + 1 : p.year
  return `${y}-${String(m).padStart(2, '0')}-1`
}

/** The words of a period: {year}, {month} and the half's key (first | second) for i18n. */
export function periodWords(id: string): { year: number; month: number; half: 'first' | 'second' } | null {
  const p = parsePeriod(id)
  return p ? { year: p.year, month: p.month, half: p.half === 1 ? 'first' : 'second' } : null
}

/** 0.6123 → "61.2%"; null → "-". */
export function pct(v: number | null | undefined, digits = 1): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '-'
  const f = 10 ** digits
  return `${Math.round(v * 100 * f) / f}%`
}

/** Fen as 元 with thousands separators and two decimals: 1234567 → "12,345.67". */
export function yuanText(fen: number | null | undefined): string {
  if (fen === null || fen === undefined) return '-'
  const neg = fen < 0
  const a = Math.abs(Math.round(fen))
  const whole = String(Math.floor(a / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  return `${neg ? '-' : ''}${whole}.${String(a % 100).padStart(2, '0')}`
}

/** What a school fails, for the breakdown's filter and colours. */
export function schoolIssues(s: SchoolBreakdown): { homework: boolean; afterschool: boolean } {
  return { homework: !s.homework.within, afterschool: !s.afterschool.compliant }
}

export type SchoolFilter = 'all' | 'failing' | 'homework' | 'afterschool'

/** The schools the filter keeps, failing ones first (both, then homework, then after-school),
 * then by name. */
export function filterSchools(rows: readonly SchoolBreakdown[], f: SchoolFilter): SchoolBreakdown[] {
  const keep = rows.filter((s) => {
    const i = schoolIssues(s)
    if (f === 'failing') return i.homework || i.afterschool
    if (f === 'homework') return i.homework
    if (f === 'afterschool') return i.afterschool
    return true
  })
  const rank = (s: SchoolBreakdown) => {
    const i = schoolIssues(s)
    return (i.homework ? 0 : 2) + (i.afterschool ? 0 : 1)
  }
  return keep.sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name, 'zh-CN'))
}

/** Schools by a share, lowest first (null last), at most n. */
export function lowestShareFirst(rows: readonly SchoolBreakdown[], key: 'pupils_afterschool_share' | 'teachers_afterschool_share', n = 20): SchoolBreakdown[] {
  return [...rows]
    .sort((a, b) => (a[key] ?? 2) - (b[key] ?? 2) || a.name.localeCompare(b.name, 'zh-CN'))
    .slice(0, n)
}

/** The bar chart of schools meeting each rule, as ECharts options (labels given). */
export function complianceChart(total: number, homework: number, afterschool: number, labels: { total: string; homework: string; afterschool: string; unit: string }) {
  return {
    tooltip: { trigger: 'axis' },
    grid: { left: 110, right: 40, top: 10, bottom: 30 },
    xAxis: { type: 'value', name: labels.unit, minInterval: 1, max: Math.max(total, 1) },
    yAxis: { type: 'category', inverse: true, data: [labels.total, labels.homework, labels.afterschool] },
    series: [{
      type: 'bar',
      data: [
        { value: total, itemStyle: { color: '#909399' } },
        { value: homework, itemStyle: { color: homework < total ? '#e6a23c' : '#67c23a' } },
        { value: afterschool, itemStyle: { color: afterschool < total ? '#e6a23c' : '#67c23a' } },
      ],
      label: { show: true, position: 'right' },
    }],
  }
}

/** The participation chart: the schools with the lowest pupil share, pupils and teachers. */
export function participationChart(rows: readonly SchoolBreakdown[], labels: { pupils: string; teachers: string }) {
  const low = lowestShareFirst(rows, 'pupils_afterschool_share', 15)
  const p = (v: number | null) => (v === null ? 0 : Math.round(v * 1000) / 10)
  return {
    tooltip: { trigger: 'axis' },
    legend: { data: [labels.pupils, labels.teachers] },
    grid: { left: 120, right: 30, top: 30, bottom: 30 },
    xAxis: { type: 'value', max: 100, name: '%' },
    yAxis: { type: 'category', inverse: true, data: low.map((s) => s.name) },
    series: [
      { type: 'bar', name: labels.pupils, data: low.map((s) => p(s.pupils_afterschool_share)) },
      { type: 'bar', name: labels.teachers, data: low.map((s) => p(s.teachers_afterschool_share)) },
    ],
  }
}

/** A revision's reason is needed from the second submission on; 1..500 characters. */
export function reasonProblem(reason: string, needed: boolean): 'missing' | 'long' | null {
  const r = reason.trim()
  if (needed && !r) return 'missing'
  if ([...r].length > 500) return 'long'
  return null
}
