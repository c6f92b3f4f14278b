/*
 * policy.ts: the pure parts of the policy page (no I/O, no Vue; unit-tested in policy.test.ts).
 *
 * The policy is `{version, effective_from, rules: {"HW-2": {"written_minutes_per_day": 60}}}`.
 * A district admin changes numbers and stores them as a new version with an effective date
 * (PUT /api/v1/policy). The server builds a new version on the one in force on its date; the
 * body also carries that version's overrides with the new edits on top, which changes nothing
 * on the server and keeps the page's preview of the new version exact.
 *
 * Money is kept in fen (integers) everywhere; keys ending in `_fen` are shown and typed in 元.
 */

export type Rules = Record<string, Record<string, unknown>>

/** One editable number of one rule: `rule`.`key` = `value` (null: not set). */
export interface NumberEntry {
  rule: string
  key: string
  value: number | null
}

/** An edit waiting to be stored: the value in force and the new one. */
export interface PolicyEdit extends NumberEntry {
  from: number | null
}

export interface PolicyVersion {
  id: number
  effective_from: string
  overrides: string // the stored version as a JSON string: {"version","effective_from","rules"}
  created_at: number // Unix seconds
}

export type VersionState = 'current' | 'pending' | 'past'

/** Rule IDs in reading order: by family as POLICY.md lists them, then by number (HW-2 < HW-10). */
const FAMILY_ORDER = ['HW', 'EX', 'AS', 'TR', 'FU', 'PN', 'RP']
export function compareRuleIds(a: string, b: string): number {
  const fa = FAMILY_ORDER.indexOf(a.split('-')[0])
  const fb = FAMILY_ORDER.indexOf(b.split('-')[0])
  const ra = fa < 0 ? FAMILY_ORDER.length : fa
  const rb = fb < 0 ? FAMILY_ORDER.length : fb
  if (ra !== rb) return ra - rb
  return a.localeCompare(b, 'en', { numeric: true })
}

/** An amount in fen: the key ends in `_fen`, or in `_fen_min` / `_fen_max` (AS-8's bounds). */
export const isFenKey = (key: string) => /_fen(_min|_max)?$/.test(key)

/**
 * A key holds a number the district may set: its value is a number, or null for a number the
 * national policy leaves unset (a cap that is "local", like AS-6 term_cap_fen). Flags, lists,
 * clock times and texts are shown, not edited here.
 */
export function isNumberValue(v: unknown): v is number | null {
  return v === null || (typeof v === 'number' && Number.isFinite(v))
}

/** 200 fen → "2.00". Negative amounts keep their sign; non-integers are rounded to the fen. */
export function fenToYuan(fen: number): string {
  const f = Math.round(fen)
  const sign = f < 0 ? '-' : ''
  const abs = Math.abs(f)
  const yuan = Math.floor(abs / 100)
  return `${sign}${yuan.toLocaleString('en-US')}.${String(abs % 100).padStart(2, '0')}`
}

/** 元 as typed (2, 2.5, "3.50") → fen; null when it is not an amount with at most 2 decimals. */
export function yuanToFen(yuan: number | string | null | undefined): number | null {
  if (yuan === null || yuan === undefined || yuan === '') return null
  const s = String(yuan).trim()
  if (!/^\d+(\.\d{1,2})?$/.test(s)) return null
  const [int, dec = ''] = s.split('.')
  return Number(int) * 100 + Number(dec.padEnd(2, '0'))
}

/** Every editable number of every rule, rules in reading order, keys as the policy lists them. */
export function numberEntries(rules: Rules): NumberEntry[] {
  const out: NumberEntry[] = []
  for (const rule of Object.keys(rules).sort(compareRuleIds)) {
    const vals = rules[rule]
    if (!vals || typeof vals !== 'object' || Array.isArray(vals)) continue
    for (const [key, value] of Object.entries(vals)) {
      if (isNumberValue(value)) out.push({ rule, key, value })
    }
  }
  return out
}

export const editKey = (rule: string, key: string) => `${rule}.${key}`

/**
 * Records that `rule`.`key` should become `to`. Setting a value back to the one in force drops
 * the edit. Returns a new map (the input is not changed).
 */
export function setEdit(
  edits: ReadonlyMap<string, PolicyEdit>,
  entry: NumberEntry,
  to: number | null,
): Map<string, PolicyEdit> {
  const out = new Map(edits)
  const k = editKey(entry.rule, entry.key)
  if (to === entry.value) out.delete(k)
  else out.set(k, { rule: entry.rule, key: entry.key, from: entry.value, value: to })
  return out
}

/** The `rules` of a stored version (its overrides); {} when the text is not such a document. */
export function versionRules(v: Pick<PolicyVersion, 'overrides'>): Rules {
  try {
    const doc = JSON.parse(v.overrides) as { rules?: unknown }
    const rules = doc && typeof doc === 'object' ? doc.rules : null
    if (!rules || typeof rules !== 'object' || Array.isArray(rules)) return {}
    const out: Rules = {}
    for (const [rule, vals] of Object.entries(rules as Record<string, unknown>)) {
      if (vals && typeof vals === 'object' && !Array.isArray(vals)) out[rule] = { ...(vals as Record<string, unknown>) }
    }
    return out
  } catch {
    return {}
  }
}

/**
 * The version a new one effective `date` follows: the one the server would have in force that
 * day (newest effective date on or before it; the higher id among versions of the same day).
 */
export function versionBefore(versions: readonly PolicyVersion[], date: string): PolicyVersion | null {
  let best: PolicyVersion | null = null
  for (const v of versions) {
    if (v.effective_from > date) continue
    if (!best || v.effective_from > best.effective_from || (v.effective_from === best.effective_from && v.id > best.id))
      best = v
  }
  return best
}

/** Versions that take effect after `date`: a new version effective `date` is replaced by them then. */
export function versionsAfter(versions: readonly PolicyVersion[], date: string): PolicyVersion[] {
  return versions.filter((v) => v.effective_from > date)
}

/**
 * The PUT /api/v1/policy body: the overrides of the version it follows, with the edits on top.
 * null when there is nothing to store.
 */
export function buildPolicyPut(
  effectiveFrom: string,
  edits: Iterable<PolicyEdit>,
  basis: Rules = {},
): { effective_from: string; rules: Rules } | null {
  const rules: Rules = {}
  for (const [rule, vals] of Object.entries(basis)) rules[rule] = { ...vals }
  let changed = 0
  for (const e of edits) {
    rules[e.rule] = { ...(rules[e.rule] ?? {}), [e.key]: e.value }
    changed++
  }
  if (changed === 0) return null
  return { effective_from: effectiveFrom, rules }
}

/** Whether a version is the one in force `today`, one still to come, or one replaced. */
export function versionState(v: PolicyVersion, versions: readonly PolicyVersion[], today: string): VersionState {
  if (v.effective_from > today) return 'pending'
  return versionBefore(versions, today)?.id === v.id ? 'current' : 'past'
}

/** The overrides of a version as a flat list, rules in reading order. */
export function versionChanges(v: Pick<PolicyVersion, 'overrides'>): { rule: string; key: string; value: unknown }[] {
  const rules = versionRules(v)
  const out: { rule: string; key: string; value: unknown }[] = []
  for (const rule of Object.keys(rules).sort(compareRuleIds))
    for (const [key, value] of Object.entries(rules[rule])) out.push({ rule, key, value })
  return out
}

/** A number as a person reads it: fen as 元 with two decimals, other numbers as they are. */
export function formatPolicyNumber(key: string, value: number | null): string {
  if (value === null) return ''
  return isFenKey(key) ? fenToYuan(value) : String(value)
}
