/*
 * calendar.ts: the district's school calendar (docs/api/core.md "School calendar"). Anyone may
 * read it; the district admin (core:calendar:edit) enters terms and marks holidays and make-up
 * workdays (调休上班). The pure parts (month grid, colours, term defaults) are in
 * utils/calendar.ts.
 */
import { client, type Page } from './client'
import type { CalendarDay, Term } from '../utils/calendar'

export async function listTerms(): Promise<Page<Term>> {
  return (await client.get<Page<Term>>('/calendar/terms', { params: { limit: 500 } })).data
}

/** Creates or replaces a term: `{"term":"2026-autumn","first_day","last_day"}`. */
export async function saveTerm(term: Term): Promise<Term> {
  return (await client.post<Term>('/calendar/terms', term)).data
}

/** Marks a day: `holiday` (no school) or `workday` (a make-up school day); the name is required. */
export async function markDay(day: { date: string; kind: 'holiday' | 'workday'; name: string }): Promise<unknown> {
  return (await client.post('/calendar/holidays', day)).data
}

/** Each day from `from` to `to` (both included, at most 400 days apart) with its kind. */
export async function getCalendar(from: string, to: string): Promise<Page<CalendarDay>> {
  return (await client.get<Page<CalendarDay>>('/calendar', { params: { from, to } })).data
}
