import { describe, expect, it } from 'vitest'
import { caseActions, departments, detailPairs, fineBounds, fineInBounds, photoProblem, rewardBounds, tipReceipt, toFen, yuan } from './cases'

const rules = {
  'PN-1': { fine_multiple_min: 1, fine_multiple_max: 5 },
  'PN-2': { fine_max_fen: 5000000, serious_fine_min_fen: 5000000, serious_fine_max_fen: 10000000 },
  'CS-2': { reward_min_fen: 20000, reward_max_fen: 1000000 },
  'CS-4': { departments: ['教体', '公安', 3] },
}

describe('fineBounds', () => {
  it('PN-1: 1 to 5 times the illegal income, edges included', () => {
    const b = fineBounds(rules, 'PN-1', false, 1234500)
    expect(b).toEqual({ min: 1234500, max: 6172500 })
    expect(fineInBounds(b, 1234500)).toBe(true)
    expect(fineInBounds(b, 6172500)).toBe(true)
    expect(fineInBounds(b, 1234499)).toBe(false)
    expect(fineInBounds(b, 6172501)).toBe(false)
    expect(fineInBounds(b, 2000000.5)).toBe(false)
  })
  it('PN-2: at most 5万, serious 5万 to 10万', () => {
    expect(fineBounds(rules, 'PN-2', false, 0)).toEqual({ min: 0, max: 5000000 })
    expect(fineBounds(rules, 'PN-2', true, 0)).toEqual({ min: 5000000, max: 10000000 })
  })
  it('follows a district\'s numbers and falls back to the national ones', () => {
    expect(fineBounds({ 'PN-1': { fine_multiple_max: 3 } }, 'PN-1', false, 100).max).toBe(300)
    expect(fineBounds({}, 'PN-2', false, 0).max).toBe(5000000)
  })
})

describe('small helpers', () => {
  it('reward bounds and departments from the policy', () => {
    expect(rewardBounds(rules)).toEqual({ min: 20000, max: 1000000 })
    expect(departments(rules)).toEqual(['教体', '公安'])
    expect(departments({})).toEqual([])
  })
  it('yuan and fen', () => {
    expect(yuan(1234567)).toBe('12,345.67')
    expect(yuan(5)).toBe('0.05')
    expect(toFen('12,345.67')).toBe(1234567)
    expect(toFen('8600')).toBe(860000)
    expect(toFen('1.5')).toBe(150)
    expect(toFen('1.555')).toBeNaN()
    expect(toFen('-1')).toBeNaN()
  })
  it('photos: JPEG or PNG, at most 5 MB', () => {
    expect(photoProblem({ type: 'image/jpeg', size: 5 * 1024 * 1024 })).toBeNull()
    expect(photoProblem({ type: 'image/png', size: 5 * 1024 * 1024 + 1 })).toBe('size')
    expect(photoProblem({ type: 'image/gif', size: 10 })).toBe('type')
  })
  it('what a case page offers', () => {
    const closedTip = { status: 'closed' as const, source: 'tip' as const, outcome: 'substantiated' as const, reward: null }
    expect(caseActions(closedTip, true)).toMatchObject({ reward: true, close: false, reopen: true, publicReply: false })
    expect(caseActions({ ...closedTip, source: 'complaint' as const }, true).reward).toBe(false)
    expect(caseActions({ status: 'assigned', source: 'tip', outcome: null, reward: null }, false))
      .toMatchObject({ assign: false, close: false, publicReply: true, penalty: false })
  })
  it('the tipster\'s receipt and history details', () => {
    expect(tipReceipt('123456789012', 'ABCD', { code: '查询码', secret: '查询密码' })).toBe('查询码: 123456789012\n查询密码: ABCD')
    expect(detailPairs({ a: 1, b: { c: 2 } })).toEqual([['a', '1'], ['b', '{"c":2}']])
    expect(detailPairs(null)).toEqual([])
  })
})
