/*
 * policy.ts: the policy in force and the district's versions of it (docs/api/core.md).
 * GET /policy (anyone), PUT /policy (district_admin: core:policy:edit), GET /policy/versions
 * (core:policy:list). The pure parts (body, 元, version states) are in utils/policy.ts.
 */
import { client, type Page, type Paging } from './client'
import type { PolicyVersion, Rules } from '../utils/policy'

export interface Policy {
  version: string | number
  effective_from?: string
  rules: Record<string, unknown>
  [k: string]: unknown
}

export interface PolicyPutAnswer {
  id: number
  version: string
  effective_from: string
}

export async function getPolicy(): Promise<Policy> {
  return (await client.get<Policy>('/policy')).data
}

/**
 * Stores a new version: `rules` holds only numbers that differ from the national defaults, by
 * rule ID; `effective_from` is today or later. 400 names the `field`, and `rule` / `key` when a
 * rule or key is unknown or a value has the wrong type.
 */
export async function putPolicy(body: { effective_from: string; rules: Rules }): Promise<PolicyPutAnswer> {
  return (await client.put<PolicyPutAnswer>('/policy', body)).data
}

/** The district's versions, newest effective date first. */
export async function listPolicyVersions(p: Paging = {}): Promise<Page<PolicyVersion>> {
  return (await client.get<Page<PolicyVersion>>('/policy/versions', { params: { limit: 500, ...p } })).data
}
