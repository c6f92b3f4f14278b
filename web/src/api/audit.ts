/* audit.ts: the audit log (district_admin). */
import { client, cleanParams, type Page, type Paging } from './client'

export interface AuditEntry {
  id: number
  at: string
  user_id: number | null
  username: string | null
  action: string
  target_kind: string | null
  target_id: number | null
  status?: number | null // the HTTP status the action got
  detail: unknown
  ip: string | null
  request_id: string | null
}

export interface AuditQuery extends Paging {
  user_id?: number
  action?: string
  from?: number // Unix seconds, inclusive
  to?: number
}

export async function listAudit(q: AuditQuery): Promise<Page<AuditEntry>> {
  return (await client.get<Page<AuditEntry>>('/audit', { params: cleanParams({ ...q }) })).data
}
