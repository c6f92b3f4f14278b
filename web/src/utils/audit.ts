/*
 * audit.ts: an audit entry in words. The server logs a write as its route ("POST
 * /api/v1/homework", target_kind "write") and reads, exports and log-ins by a short name
 * ("export funds summary"); the page says "发布作业" and "作业 #12" instead. The words are
 * locale keys: auditActions.<slug> (actionKey below), auditTargets.<kind or the route's resource>.
 * An action without words keeps a generic verb from its method and shows the route.
 */

/** The locale key of an action: "POST /api/v1/contracts/{id}/lessons" → "POST_contracts_id_lessons". */
export function actionKey(action: string): string {
  return action
    .replace('/api/v1/', ' ')
    .replace(/\{[a-z_]+\}/g, 'id')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
}

/** A route's method, when the action is one ("POST /api/v1/..."), else ''. */
export function actionMethod(action: string): string {
  const m = /^(GET|POST|PUT|PATCH|DELETE) \//.exec(action)
  return m ? m[1] : ''
}

/**
 * What a write was done to: the resource of its route, the last one named before the target's id
 * ("/api/v1/contracts/{id}/lessons" → "contracts"; "/api/v1/afterschool/programs/{id}/close" →
 * "programs"); for other entries their own target kind. A locale key under auditTargets.
 */
export function targetKey(action: string, targetKind: string | null | undefined): string {
  if (targetKind && targetKind !== 'write') return targetKind.replace(/-/g, '_')
  const path = action.replace(/^[A-Z]+ \/api\/v1\//, '')
  const parts = path.split('/')
  const at = parts.indexOf('{id}')
  const seg = at > 0 ? parts[at - 1] : parts[0] ?? ''
  return seg.replace(/-/g, '_')
}

export interface AuditWords {
  /** the action in words, or null when the locale files have none */
  text: string | null
  method: string
}

/** The words of an action through `has`/`say` (the i18n te/t). */
export function auditWords(action: string, has: (k: string) => boolean, say: (k: string) => string): AuditWords {
  const k = `auditActions.${actionKey(action)}`
  return { text: has(k) ? say(k) : null, method: actionMethod(action) }
}
