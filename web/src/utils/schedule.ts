/*
 * schedule.ts: a course's weekly schedule (training slots, weekday 1 = Monday … 7 = Sunday) and
 * the days it meets. Pure functions; dates are YYYY-MM-DD in the district's time.
 */
import { weekdayOf } from './calendar'

export interface WeeklySlot {
  weekday: number
}

/** Does a course with these slots meet on `date`? A course with no slots meets on no day. */
export function meetsOn(slots: readonly WeeklySlot[], date: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return false
  const w = weekdayOf(date)
  return slots.some((s) => s.weekday === w)
}
