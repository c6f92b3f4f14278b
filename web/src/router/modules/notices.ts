/*
 * The notices module's pages (views/notices). Each page needs the permission string of the
 * server route it stands on (src/notices/api.c): the inbox and a notice `notices:inbox` (every
 * role that may receive one), composing, the sent list and receipts `notices:send` (the
 * district and school admins, grade leaders and teachers). The public page (/publicity) needs
 * no log-in and lives outside the shell (router/index.ts).
 */
import type { RouteRecordRaw } from 'vue-router'

export const NT_PERM = {
  inbox: 'notices:inbox',
  send: 'notices:send',
} as const

export const noticesRoutes: RouteRecordRaw[] = [
  {
    path: 'notices',
    name: 'notices',
    component: () => import('../../views/notices/InboxView.vue'),
    meta: { perm: NT_PERM.inbox, title: 'notices.menu.inbox' },
  },
  {
    path: 'notices/compose',
    name: 'notice-compose',
    component: () => import('../../views/notices/ComposeView.vue'),
    meta: { perm: NT_PERM.send, title: 'notices.compose.title', menu: '/notices/sent' },
  },
  {
    path: 'notices/sent',
    name: 'notices-sent',
    component: () => import('../../views/notices/SentView.vue'),
    meta: { perm: NT_PERM.send, title: 'notices.menu.sent' },
  },
  {
    path: 'notices/:id(\\d+)',
    name: 'notice',
    component: () => import('../../views/notices/NoticeDetail.vue'),
    props: (r) => ({ id: Number(r.params.id) }),
    meta: { perm: NT_PERM.inbox, title: 'notices.detail.title', menu: '/notices' },
  },
  {
    path: 'notices/:id(\\d+)/receipts',
    name: 'notice-receipts',
    component: () => import('../../views/notices/ReceiptsView.vue'),
    props: (r) => ({ id: Number(r.params.id) }),
    meta: { perm: NT_PERM.send, title: 'notices.receipts.title', menu: '/notices/sent' },
  },
]

/** The public page: no log-in, outside the shell. */
export const publicityRoute: RouteRecordRaw = {
  path: '/publicity',
  name: 'publicity',
  component: () => import('../../views/notices/PublicityView.vue'),
  props: (r) => ({ districtId: r.query.district ? Number(r.query.district) : undefined }),
  meta: { public: true, title: 'notices.publicity.title' },
}
