import { describe, expect, it } from 'vitest'
import {
  buildPolicyPut, compareRuleIds, fenToYuan, formatPolicyNumber, isFenKey, numberEntries, setEdit,
  versionBefore, versionChanges, versionRules, versionState, versionsAfter, yuanToFen,
  type PolicyEdit, type PolicyVersion,
} from './policy'

const version = (id: number, effective_from: string, rules: object): PolicyVersion => ({
  id,
  effective_from,
  overrides: JSON.stringify({ version: `district-${effective_from}`, effective_from, rules }),
  created_at: 1_780_000_000 + id,
})

describe('fenToYuan', () => {
  it('shows fen as 元 with two decimals', () => {
    expect(fenToYuan(200)).toBe('2.00')
    expect(fenToYuan(350)).toBe('3.50')
    expect(fenToYuan(5)).toBe('0.05')
    expect(fenToYuan(0)).toBe('0.00')
    expect(fenToYuan(-150)).toBe('-1.50')
  })
  it('groups thousands of 元', () => {
    expect(fenToYuan(500000)).toBe('5,000.00')
    expect(fenToYuan(10000000)).toBe('100,000.00')
  })
})

describe('yuanToFen', () => {
  it('reads 元 as typed', () => {
    expect(yuanToFen(2)).toBe(200)
    expect(yuanToFen('1.5')).toBe(150)
    expect(yuanToFen('3.50')).toBe(350)
    expect(yuanToFen(0.1)).toBe(10) // no 0.1 * 100 = 10.000000000000002
    expect(yuanToFen(1.15)).toBe(115)
  })
  it('refuses what is not an amount', () => {
    for (const v of [null, undefined, '', '-1', '1.234', 'abc', '1e3']) expect(yuanToFen(v as never), String(v)).toBe(null)
  })
})

describe('isFenKey and formatPolicyNumber', () => {
  it('knows amounts by their names', () => {
    expect(isFenKey('care_fee_per_hour_fen')).toBe(true)
    expect(isFenKey('subsidy_per_hour_fen_min')).toBe(true)
    expect(isFenKey('written_minutes_per_day')).toBe(false)
    expect(isFenKey('fence_height')).toBe(false)
  })
  it('formats fen as 元 and other numbers as they are', () => {
    expect(formatPolicyNumber('care_fee_per_hour_fen', 200)).toBe('2.00')
    expect(formatPolicyNumber('written_minutes_per_day', 60)).toBe('60')
    expect(formatPolicyNumber('term_cap_fen', null)).toBe('')
  })
})

describe('compareRuleIds', () => {
  it('orders by family as POLICY.md does, then by number', () => {
    const ids = ['AS-6', 'HW-10', 'FU-1', 'HW-2', 'EX-1', 'HW-1', 'ZZ-1', 'TR-3']
    expect(ids.sort(compareRuleIds)).toEqual(['HW-1', 'HW-2', 'HW-10', 'EX-1', 'AS-6', 'TR-3', 'FU-1', 'ZZ-1'])
  })
})

describe('numberEntries', () => {
  it('lists numbers and unset numbers, not flags, lists or clock times', () => {
    const rules = {
      'HW-10': { bedtime_primary: '21:20' },
      'HW-2': { grades: [3, 4, 5, 6], written_minutes_per_day: 60 },
      'AS-6': { care_fee_per_hour_fen: 200, term_cap_fen: null },
      'HW-11': { enabled: false, max_subjects_primary: 3 },
    }
    expect(numberEntries(rules)).toEqual([
      { rule: 'HW-2', key: 'written_minutes_per_day', value: 60 },
      { rule: 'HW-11', key: 'max_subjects_primary', value: 3 },
      { rule: 'AS-6', key: 'care_fee_per_hour_fen', value: 200 },
      { rule: 'AS-6', key: 'term_cap_fen', value: null },
    ])
  })
})

describe('setEdit', () => {
  const entry = { rule: 'HW-2', key: 'written_minutes_per_day', value: 60 }
  it('records the value in force and the new one', () => {
    const m = setEdit(new Map(), entry, 50)
    expect([...m.values()]).toEqual([{ rule: 'HW-2', key: 'written_minutes_per_day', from: 60, value: 50 }])
  })
  it('drops the edit when the value goes back to the one in force, without touching its input', () => {
    const m1 = setEdit(new Map(), entry, 50)
    const m2 = setEdit(m1, entry, 60)
    expect(m2.size).toBe(0)
    expect(m1.size).toBe(1)
  })
})

describe('buildPolicyPut', () => {
  const edits: PolicyEdit[] = [
    { rule: 'HW-2', key: 'written_minutes_per_day', from: 60, value: 50 },
    { rule: 'AS-6', key: 'care_fee_per_hour_fen', from: 200, value: 150 },
  ]
  it('sends only the changed numbers', () => {
    expect(buildPolicyPut('2026-09-01', edits)).toEqual({
      effective_from: '2026-09-01',
      rules: { 'HW-2': { written_minutes_per_day: 50 }, 'AS-6': { care_fee_per_hour_fen: 150 } },
    })
  })
  it('keeps the overrides of the version it follows, the edits winning', () => {
    const basis = { 'HW-2': { written_minutes_per_day: 55 }, 'HW-3': { written_minutes_per_day: 80 } }
    const body = buildPolicyPut('2026-09-01', edits, basis)
    expect(body?.rules).toEqual({
      'HW-2': { written_minutes_per_day: 50 },
      'HW-3': { written_minutes_per_day: 80 },
      'AS-6': { care_fee_per_hour_fen: 150 },
    })
    expect(basis['HW-2'].written_minutes_per_day).toBe(55) // the basis is not changed
  })
  it('returns null with no edit, whatever the basis', () => {
    expect(buildPolicyPut('2026-09-01', [], { 'HW-2': { written_minutes_per_day: 55 } })).toBe(null)
  })
  it('can set a number the national policy leaves unset, and unset it again', () => {
    const set = buildPolicyPut('2026-09-01', [{ rule: 'AS-6', key: 'term_cap_fen', from: null, value: 36000 }])
    expect(set?.rules).toEqual({ 'AS-6': { term_cap_fen: 36000 } })
    const unset = buildPolicyPut('2026-09-01', [{ rule: 'AS-6', key: 'term_cap_fen', from: 36000, value: null }])
    expect(JSON.stringify(unset)).toBe('{"effective_from":"2026-09-01","rules":{"AS-6":{"term_cap_fen":null}}}')
  })
})

describe('versions', () => {
  const v1 = version(1, '2026-03-01', { 'HW-2': { written_minutes_per_day: 55 } })
  const v2 = version(2, '2026-05-01', { 'AS-6': { care_fee_per_hour_fen: 150 } })
  const v3 = version(3, '2026-05-01', { 'AS-6': { care_fee_per_hour_fen: 160 } })
  const v4 = version(4, '2026-09-01', { 'HW-3': { written_minutes_per_day: 80 } })
  const all = [v4, v3, v2, v1]

  it('reads the overrides stored with a version, and nothing from a bad one', () => {
    expect(versionRules(v1)).toEqual({ 'HW-2': { written_minutes_per_day: 55 } })
    expect(versionRules({ overrides: 'not json' })).toEqual({})
    expect(versionRules({ overrides: '{"rules":[1]}' })).toEqual({})
    expect(versionChanges(v1)).toEqual([{ rule: 'HW-2', key: 'written_minutes_per_day', value: 55 }])
  })
  it('finds the version a new one follows: the newest on or before its date, the later of a day', () => {
    expect(versionBefore(all, '2026-02-28')).toBe(null)
    expect(versionBefore(all, '2026-03-01')).toBe(v1)
    expect(versionBefore(all, '2026-06-15')).toBe(v3)
    expect(versionBefore(all, '2027-01-01')).toBe(v4)
    expect(versionsAfter(all, '2026-06-15')).toEqual([v4])
  })
  it('tells the version in force from those to come and those replaced', () => {
    const today = '2026-06-15'
    expect(versionState(v4, all, today)).toBe('pending')
    expect(versionState(v3, all, today)).toBe('current')
    expect(versionState(v2, all, today)).toBe('past')
    expect(versionState(v1, all, today)).toBe('past')
  })
})
