import { describe, expect, it } from 'vitest'
import { rejectedRows, rejectedTotal } from './imports'

describe('rejectedRows and rejectedTotal', () => {
  const twice = { row: 3, column: '任教班级', message: '本校没有班级“五年级1班”' }
  it('show an error the server repeats once, and count it once', () => {
    const body = { rows: [twice, { row: 2, column: '手机', message: '不是手机号' }, { ...twice }], errors_total: 3 }
    expect(rejectedRows(body)).toEqual([{ row: 2, column: '手机', message: '不是手机号' }, twice])
    expect(rejectedTotal(body)).toBe(2)
  })
  it('keep the server total when it listed fewer rows than it found', () => {
    const rows = Array.from({ length: 100 }, (_, i) => ({ row: i + 2, column: '姓名', message: '为空' }))
    expect(rejectedTotal({ rows, errors_total: 1234 })).toBe(1234)
  })
  it('keep two different errors of the same cell', () => {
    const body = { rows: [{ row: 5, column: '手机', message: 'a' }, { row: 5, column: '手机', message: 'b' }] }
    expect(rejectedRows(body)).toHaveLength(2)
    expect(rejectedTotal(body)).toBe(2)
  })
  it('answer nothing for an answer without rows', () => {
    expect(rejectedRows(null)).toEqual([])
    expect(rejectedTotal({})).toBe(0)
  })
})
