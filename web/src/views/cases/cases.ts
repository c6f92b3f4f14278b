/*
 * cases.ts: the pure parts of the cases pages: a penalty's bounds as PN-1 and PN-2 set them
 * (the same arithmetic as src/cases/rules.c, from the policy in force), what a photo must be
 * before it is sent (the server checks its content again and removes its metadata), what a
 * case's page may offer, and the text a tipster copies. Unit-tested in cases.test.ts.
 */
import type { CaseDetail, Measure } from '../../api/cases'

type Rules = Record<string, Record<string, unknown> | undefined>

const num = (rules: Rules, rule: string, key: string, dflt: number): number => {
  const v = rules?.[rule]?.[key]
  return typeof v === 'number' ? v : dflt
}

/** The fine a penalty may have, in fen: PN-1 a multiple of the illegal income; PN-2 a cap, or a
 * range for a serious case. */
export function fineBounds(rules: Rules, rule: 'PN-1' | 'PN-2', serious: boolean, incomeFen: number): { min: number; max: number } {
  if (rule === 'PN-1') {
    const inc = Math.max(0, Math.floor(incomeFen || 0))
    return { min: inc * num(rules, 'PN-1', 'fine_multiple_min', 1), max: inc * num(rules, 'PN-1', 'fine_multiple_max', 5) }
  }
  if (serious) return { min: num(rules, 'PN-2', 'serious_fine_min_fen', 5000000), max: num(rules, 'PN-2', 'serious_fine_max_fen', 10000000) }
  return { min: 0, max: num(rules, 'PN-2', 'fine_max_fen', 5000000) }
}

export function fineInBounds(b: { min: number; max: number }, fineFen: number): boolean {
  return Number.isInteger(fineFen) && fineFen >= b.min && fineFen <= b.max
}

/** CS-2's reward bounds, in fen. */
export function rewardBounds(rules: Rules): { min: number; max: number } {
  return { min: num(rules, 'CS-2', 'reward_min_fen', 20000), max: num(rules, 'CS-2', 'reward_max_fen', 1000000) }
}

/** CS-4's departments of the district. */
export function departments(rules: Rules): string[] {
  const v = rules?.['CS-4']?.departments
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []
}

/** 元 text from integer fen, with two decimals. */
export function yuan(fen: number | null | undefined): string {
  const f = Math.round(fen ?? 0)
  const sign = f < 0 ? '-' : ''
  const a = Math.abs(f)
  return `${sign}${Math.floor(a / 100).toLocaleString('en-US')}.${String(a % 100).padStart(2, '0')}`
}

/** 元 typed by a person into fen; NaN when it is not an amount. */
export function toFen(text: string | number): number {
  const s = String(text).trim().replace(/,/g, '')
  if (!/^\d+(\.\d{1,2})?$/.test(s)) return NaN
  const [i, d = ''] = s.split('.')
  return Number(i) * 100 + Number((d + '00').slice(0, 2))
}

export const PHOTO_MAX_BYTES = 5 * 1024 * 1024
export const PHOTOS_PER_CASE = 3

/** What is wrong with a chosen photo before sending it: 'type', 'size', or null. */
export function photoProblem(f: { type: string; size: number }): 'type' | 'size' | null {
  if (f.type !== 'image/jpeg' && f.type !== 'image/png') return 'type'
  if (f.size > PHOTO_MAX_BYTES) return 'size'
  return null
}

/** Measures that need the institution to be in the registry. */
export const REGISTRY_MEASURES: readonly Measure[] = ['refund', 'blacklist']

/** What the case page may offer its reader. */
export function caseActions(c: Pick<CaseDetail, 'status' | 'source' | 'outcome' | 'reward'>, staff: boolean) {
  const closed = c.status === 'closed'
  return {
    assign: staff && !closed,
    publicReply: !closed,
    close: staff && !closed,
    reopen: staff && (c.status === 'answered' || closed),
    reward: staff && closed && c.source === 'tip' && c.outcome === 'substantiated' && !c.reward,
    penalty: staff,
    enforcement: staff,
  }
}

/** What a tipster keeps: the code and the secret, on two lines. */
export function tipReceipt(code: string, secret: string, labels: { code: string; secret: string }): string {
  return `${labels.code}: ${code}\n${labels.secret}: ${secret}`
}

/** A history row's detail as "key: value" pairs for display (nested values as JSON). */
export function detailPairs(d: Record<string, unknown> | null | undefined): [string, string][] {
  if (!d) return []
  return Object.entries(d).map(([k, v]) => [k, typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)])
}
