/*
 * The reports module's pages (views/reports). Each needs the permission string of the server
 * route it stands on (src/reports/api.c), which GET /me lists for the roles that route lets in:
 *   district staff and school admins: `reports:school:read` (the half-monthly report: the
 *     district's whole report for district staff, a school's own breakdown for its admin),
 *     `reports:ledger:read` (工作台账), `reports:case:list` (典型案例);
 *   district staff: `reports:half_monthly:read` (the report's print view, the dashboard card),
 *     `reports:compilation:read` (成果汇编);
 *   the district admin: `reports:half_monthly:submit`, `reports:settings:edit`,
 *     `reports:case:select`; a school admin: `reports:case:add`.
 * The print views stand outside the shell (reportsPrintRoutes): a page of paper, nothing else.
 */
import type { RouteRecordRaw } from 'vue-router'

export const RP_PERM = {
  read: 'reports:half_monthly:read',
  export: 'reports:half_monthly:export',
  submit: 'reports:half_monthly:submit',
  settings: 'reports:settings:edit',
  school: 'reports:school:read',
  ledger: 'reports:ledger:read',
  caseAdd: 'reports:case:add',
  caseList: 'reports:case:list',
  caseEdit: 'reports:case:edit',
  caseSelect: 'reports:case:select',
  compilation: 'reports:compilation:read',
} as const

export const reportsRoutes: RouteRecordRaw[] = [
  {
    path: 'reports/half-monthly',
    name: 'report-half-monthly',
    component: () => import('../../views/reports/ReportView.vue'),
    meta: { perm: RP_PERM.school, title: 'reports.menu.halfMonthly' },
  },
  {
    path: 'reports/ledger',
    name: 'report-ledger',
    component: () => import('../../views/reports/LedgerView.vue'),
    meta: { perm: RP_PERM.ledger, title: 'reports.menu.ledger' },
  },
  {
    path: 'reports/cases',
    name: 'report-cases',
    component: () => import('../../views/reports/TypicalCases.vue'),
    meta: { perm: RP_PERM.caseList, title: 'reports.menu.cases' },
  },
  {
    path: 'reports/compilation',
    name: 'report-compilation',
    component: () => import('../../views/reports/CompilationView.vue'),
    meta: { perm: RP_PERM.compilation, title: 'reports.menu.compilation' },
  },
]

export const reportsPrintRoutes: RouteRecordRaw[] = [
  {
    path: '/reports/half-monthly/:period/print',
    name: 'report-print',
    component: () => import('../../views/reports/ReportPrint.vue'),
    props: (r) => ({ period: String(r.params.period) }),
    meta: { perm: RP_PERM.read, title: 'reports.print.title' },
  },
]
