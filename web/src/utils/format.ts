/*
 * format.ts: pure helpers that turn API values into what a person reads, and check what a
 * person types before it goes to the server. No I/O, no Vue: unit-tested in format.test.ts.
 *
 * Phone numbers follow FORMATS.md: a mainland mobile number is 1[3-9] + 9 digits, optionally
 * prefixed +86 / 0086, with spaces and hyphens ignored; shown masked as 138****5678.
 */

const MOBILE_RE = /^(?:(?:\+|00)86)?1[3-9]\d{9}$/

/** Removes spaces and hyphens, as FORMATS.md says to before checking. */
export function normalisePhone(raw: string): string {
  return (raw ?? '').replace(/[\s-]/g, '')
}

/** True when `raw` is a mainland mobile number (19x and 16x included). */
export function isValidMobile(raw: string): boolean {
  return MOBILE_RE.test(normalisePhone(raw))
}

/** The 11-digit local number of a valid mobile (prefix dropped), or null. The server wants this. */
export function toLocalMobile(raw: string): string | null {
  const p = normalisePhone(raw)
  return MOBILE_RE.test(p) ? p.slice(-11) : null
}

/**
 * Masks a phone number for display: the first 3 and last 4 digits of the 11-digit number stay
 * (138****5678). A country prefix is dropped. Anything that is not a mobile number keeps only
 * its last 4 characters visible, so a malformed value never leaks whole.
 */
export function maskPhone(raw: string | null | undefined): string {
  if (!raw) return ''
  const p = normalisePhone(raw)
  if (MOBILE_RE.test(p)) {
    const local = p.slice(-11)
    return `${local.slice(0, 3)}****${local.slice(7)}`
  }
  if (p.includes('*')) return p // already masked by the server
  if (p.length <= 4) return '*'.repeat(p.length)
  return '*'.repeat(p.length - 4) + p.slice(-4)
}

/**
 * An RFC 3339 timestamp as "YYYY-MM-DD HH:MM:SS". The server speaks +08:00 (Beijing time), which
 * is what every user reads, so a +08:00 stamp is shown as written; any other offset is converted.
 */
export function formatTimestamp(ts: string | null | undefined): string {
  if (!ts) return ''
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(:\d{2})?(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/.exec(ts)
  if (!m) return ts
  const [, date, hm, sec = ':00', zone] = m
  if (!zone || zone === '+08:00' || zone === '+0800') return `${date} ${hm}${sec}`
  const t = Date.parse(ts)
  if (Number.isNaN(t)) return ts
  const bj = new Date(t + 8 * 3600 * 1000).toISOString() // shift, then read as UTC
  return `${bj.slice(0, 10)} ${bj.slice(11, 19)}`
}

/**
 * A YYYY-MM-DD day in Beijing time as Unix seconds: its first second, or with `endOfDay` its last.
 * The audit log filters on these.
 */
export function dayToUnix(day: string, endOfDay = false): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined
  const t = Date.parse(`${day}T${endOfDay ? '23:59:59' : '00:00:00'}+08:00`)
  return Number.isNaN(t) ? undefined : t / 1000
}

/** A Date as YYYY-MM-DD in local time (the date pickers' value format). */
export function isoDate(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
}

/** Renders any JSON value on one line: strings as they are, the rest as compact JSON. */
export function displayValue(v: unknown): string {
  if (v === null || v === undefined) return ''
  if (typeof v === 'string') return v
  if (typeof v === 'number' || typeof v === 'boolean') return String(v)
  return JSON.stringify(v)
}

/** Lowercase file extension without the dot ("" when none). */
export function fileExtension(name: string): string {
  const i = name.lastIndexOf('.')
  return i < 0 ? '' : name.slice(i + 1).toLowerCase()
}
