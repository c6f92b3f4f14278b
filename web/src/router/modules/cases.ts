/*
 * The cases module's pages (views/cases). Each needs the permission string of the server route it
 * stands on (src/cases/api.c), which GET /me lists for the roles that route lets in:
 *   district staff and a school admin: `cases:case:list` (the case list and a case's page);
 *   district staff: `cases:case:add` (opening a case, the ledger), `cases:inspection:add`;
 *   district staff, school and institution admins: `cases:rectification:list`;
 *   a guardian: `cases:complaint:add` ("我的投诉").
 * The tip-off pages are public (no login): casesPublicRoutes, outside the shell.
 */
import type { RouteRecordRaw } from 'vue-router'

export const CS_PERM = {
  list: 'cases:case:list',
  open: 'cases:case:add',
  handle: 'cases:case:handle',
  reply: 'cases:case:reply',
  overdue: 'cases:case:overdue',
  reveal: 'cases:tipster:reveal',
  penalty: 'cases:penalty:add',
  complain: 'cases:complaint:add',
  inspect: 'cases:inspection:add',
  rectifications: 'cases:rectification:list',
  report: 'cases:rectification:report',
  review: 'cases:rectification:review',
  ledger: 'cases:ledger:export',
} as const

export const casesPublicRoutes: RouteRecordRaw[] = [
  {
    path: '/tip',
    name: 'tip',
    component: () => import('../../views/cases/TipView.vue'),
    meta: { public: true, title: 'cases.tip.title' },
  },
  {
    path: '/tip/status',
    name: 'tip-status',
    component: () => import('../../views/cases/TipStatus.vue'),
    meta: { public: true, title: 'cases.status.title' },
  },
]

export const casesRoutes: RouteRecordRaw[] = [
  {
    path: 'cases',
    name: 'cases',
    component: () => import('../../views/cases/CaseList.vue'),
    meta: { perm: CS_PERM.list, title: 'cases.menu.cases' },
  },
  {
    path: 'cases/:id(\\d+)',
    name: 'case',
    component: () => import('../../views/cases/CaseDetail.vue'),
    props: (r) => ({ id: Number(r.params.id) }),
    meta: { perm: CS_PERM.list, title: 'cases.detail.title', menu: '/cases' },
  },
  {
    path: 'complaints',
    name: 'complaints',
    component: () => import('../../views/cases/MyComplaints.vue'),
    meta: { perm: CS_PERM.complain, title: 'cases.menu.complaints' },
  },
  {
    path: 'inspections',
    name: 'inspections',
    component: () => import('../../views/cases/InspectionList.vue'),
    meta: { perm: CS_PERM.inspect, title: 'cases.menu.inspections' },
  },
  {
    path: 'rectifications',
    name: 'rectifications',
    component: () => import('../../views/cases/RectificationList.vue'),
    meta: { perm: CS_PERM.rectifications, title: 'cases.menu.rectifications' },
  },
  {
    path: 'rectifications/:id(\\d+)',
    name: 'rectification',
    component: () => import('../../views/cases/RectificationDetail.vue'),
    props: (r) => ({ id: Number(r.params.id) }),
    meta: { perm: CS_PERM.rectifications, title: 'cases.rect.title', menu: '/rectifications' },
  },
]
