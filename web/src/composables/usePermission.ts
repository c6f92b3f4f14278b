/* usePermission: `can(PERM.x)` in templates, following the logged-in user. */
import { computed } from 'vue'
import { session } from '../stores/session'
import { permissionsOf } from '../utils/permission'

export function usePermission() {
  const perms = computed(() => permissionsOf(session.user))
  const can = (p: string) => perms.value.has(p)
  return { perms, can }
}
