/*
 * terms.ts: dates, terms and money as the after-school pages show them. Pure functions.
 * A term is YYYY-autumn (August to January) or YYYY-spring (February to July), as the server's
 * term_of_date; dates are YYYY-MM-DD in the district's time (+08:00); money is integer fen.
 * Today is the server's (stores/session.ts serverToday), never the browser's.
 */

export function termOf(date: string): string {
  const y = Number(date.slice(0, 4))
  const m = Number(date.slice(5, 7))
  if (m >= 8) return `${y}-autumn`
  if (m === 1) return `${y - 1}-autumn`
  return `${y}-spring`
}

/** The term before, the current one and the two after, newest last. */
export function termChoices(today: string): string[] {
  const cur = termOf(today)
  const shift = (t: string, n: number): string => {
    let [y, s] = [Number(t.slice(0, 4)), t.slice(5)]
    for (let i = 0; i < Math.abs(n); i++) {
      if (n > 0) [y, s] = s === 'spring' ? [y, 'autumn'] : [y + 1, 'spring']
      else [y, s] = s === 'autumn' ? [y, 'spring'] : [y - 1, 'autumn']
    }
    return `${y}-${s}`
  }
  return [shift(cur, -1), cur, shift(cur, 1), shift(cur, 2)]
}

/** 1234 → "12.34" */
export function yuan(fen: number | null | undefined): string {
  if (fen === null || fen === undefined) return ''
  const neg = fen < 0
  const a = Math.abs(fen)
  return `${neg ? '-' : ''}${Math.floor(a / 100)}.${String(a % 100).padStart(2, '0')}`
}

/** Weekday bit mask (bit d = weekday d) → [1, 3, 5]. */
export function maskDays(mask: number): number[] {
  const out: number[] = []
  for (let d = 1; d <= 7; d++) if (mask & (1 << d)) out.push(d)
  return out
}

export function addDays(date: string, n: number): string {
  return new Date(Date.parse(date + 'T00:00:00Z') + n * 86400e3).toISOString().slice(0, 10)
}

/** 1 Monday .. 7 Sunday */
export function weekdayOf(date: string): number {
  return ((new Date(date + 'T00:00:00Z').getUTCDay() + 6) % 7) + 1
}

/* ---- the rules' numbers, to warn while a form is filled in (the server decides) ---- */

type Rules = Record<string, Record<string, unknown> | undefined>
const num = (r: Rules, rule: string, key: string, d: number): number => {
  const v = r[rule]?.[key]
  return typeof v === 'number' ? v : d
}
const str = (r: Rules, rule: string, key: string, d: string): string => {
  const v = r[rule]?.[key]
  return typeof v === 'string' ? v : d
}
const minutes = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5))

/** AS-6: the cap per pupil-hour, as rules.c afterschool_fee_cap. */
export function feeCap(rules: Rules, kind: 'care' | 'course', rural: boolean): number {
  const care = num(rules, 'AS-6', 'care_fee_per_hour_fen', 200)
  const course = num(rules, 'AS-6', 'course_fee_per_hour_fen', 350)
  const ruralCap = num(rules, 'AS-6', 'rural_fee_per_hour_fen', course)
  if (kind === 'care') return rural && ruralCap < care ? ruralCap : care
  return rural ? ruralCap : course
}

/** AS-2: the off-work time (HH:MM) on a date, and whether it is summer. */
export function offWork(rules: Rules, date: string): { time: string; summer: boolean } {
  const from = str(rules, 'AS-2', 'summer_from', '05-01')
  const to = str(rules, 'AS-2', 'summer_to', '09-30')
  const md = date.slice(5)
  const summer = from <= to ? md >= from && md <= to : md >= from || md <= to
  return {
    time: summer ? str(rules, 'AS-2', 'summer_off_work', '18:00') : str(rules, 'AS-2', 'winter_off_work', '17:30'),
    summer,
  }
}

/**
 * The first weekday (Monday-Friday, on the given weekdays) between first and last whose
 * off-work time is after `end`, or null. Holidays are not known here; the server checks again.
 */
export function endsTooEarly(rules: Rules, first: string, last: string, weekdays: number[], end: string):
  { date: string; time: string; summer: boolean } | null {
  if (!/^\d{2}:\d{2}$/.test(end) || !first || !last || first > last) return null
  let n = 0
  for (let d = first; d <= last && n < 400; d = addDays(d, 1), n++) {
    if (!weekdays.includes(weekdayOf(d))) continue
    const o = offWork(rules, d)
    if (minutes(end) < minutes(o.time)) return { date: d, ...o }
  }
  return null
}
