/*
 * budget.ts: the pure parts of the homework pages: what a class-day has left as the teacher
 * types (the server decides; this only shows it early), dates around today, and the matrix's
 * cell colours. Unit-tested in budget.test.ts.
 */
import type { Board, HomeworkKind, MatrixCell } from '../../api/homework'

export interface Budget {
  used: number       // written minutes already set for the day (a vacation's, in one)
  limit: number      // the cap
  requested: number  // what this item adds (0 unless written)
  after: number      // used + requested
  left: number       // what stays free after this item (never below 0)
  over: number       // by how much this item would pass the cap (0 when it fits)
  allowed: boolean   // written homework may be set that day at all
}

/** The day's budget with an item of `kind` and `minutes` added. */
export function budgetOf(board: Pick<Board, 'limit_minutes' | 'written_minutes' | 'written_allowed' | 'vacation'>,
  kind: HomeworkKind, minutes: number): Budget {
  const used = board.vacation ? board.vacation.written_minutes : board.written_minutes
  const limit = board.limit_minutes
  const requested = kind === 'written' && Number.isFinite(minutes) && minutes > 0 ? Math.floor(minutes) : 0
  const after = used + requested
  return {
    used, limit, requested, after,
    left: Math.max(0, limit - after),
    over: Math.max(0, after - limit),
    allowed: board.written_allowed,
  }
}

/** A date moved by n days. */
export function addDays(date: string, n: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + n * 86400e3).toISOString().slice(0, 10)
}

/** The CSS class of a matrix cell: none, ok, near (from 80% of the cap), over. */
export function cellClass(c: Pick<MatrixCell, 'status'>): string {
  return `cell-${c.status}`
}
