/* policy.ts: the policy in force (its numbers are shown read-only for now). */
import { client } from './client'

export interface Policy {
  version: string | number
  effective_from?: string
  rules: Record<string, unknown>
  [k: string]: unknown
}

export async function getPolicy(): Promise<Policy> {
  return (await client.get<Policy>('/policy')).data
}
