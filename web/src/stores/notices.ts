/*
 * notices.ts: the caller's unread notices, for the header's badge (layouts/AppShell.vue). One
 * small call (GET /notices/unread-count) when a page opens and after a notice is read; users
 * whose roles have no inbox never ask.
 */
import { ref } from 'vue'
import { unreadCount } from '../api/notices'

export const NOTICES_INBOX_PERM = 'notices:inbox'
export const unread = ref(0)

export async function refreshUnread(): Promise<void> {
  try {
    unread.value = await unreadCount()
  } catch {
    // the badge is a hint: a failed count leaves the last one
  }
}
