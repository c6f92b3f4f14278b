import { describe, expect, it } from 'vitest'
import { addDays, budgetOf, cellClass } from './budget'

const board = (written: number, limit = 60, allowed = true) => ({ written_minutes: written, limit_minutes: limit, written_allowed: allowed })

describe('budgetOf', () => {
  it('adds a written item to the day', () => {
    expect(budgetOf(board(40), 'written', 20)).toMatchObject({ used: 40, after: 60, left: 0, over: 0 })
  })
  it('shows by how much one minute too many passes the cap', () => {
    expect(budgetOf(board(40), 'written', 21)).toMatchObject({ after: 61, left: 0, over: 1 })
  })
  it('does not count oral, reading or practical work', () => {
    for (const k of ['oral', 'reading', 'practical'] as const) expect(budgetOf(board(60), k, 30)).toMatchObject({ requested: 0, over: 0 })
  })
  it('ignores what is not yet a number', () => {
    expect(budgetOf(board(10), 'written', Number.NaN).requested).toBe(0)
    expect(budgetOf(board(10), 'written', -5).requested).toBe(0)
  })
  it('uses the vacation total in a vacation', () => {
    const b = { ...board(10, 600), vacation: { from: '2027-01-21', to: '2027-02-19', limit_minutes: 600, written_minutes: 590, remaining_minutes: 10 } }
    expect(budgetOf(b, 'written', 20)).toMatchObject({ used: 590, over: 10 })
  })
  it('keeps grades 1-2 at no written homework', () => {
    expect(budgetOf(board(0, 0, false), 'written', 10)).toMatchObject({ allowed: false, over: 10 })
  })
})

describe('dates', () => {
  it('counts days', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01')
    expect(addDays('2027-03-01', -1)).toBe('2027-02-28')
  })
  it('names matrix cells by status', () => {
    expect(cellClass({ status: 'near' })).toBe('cell-near')
  })
})
