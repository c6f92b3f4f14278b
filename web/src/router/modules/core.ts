/*
 * The core module's pages: organisation (schools, classes, students), staff, roster import,
 * audit log, policy and its versions, the school calendar, and each role's home. `meta.perm` is the permission a page needs;
 * `meta.title` its i18n key.
 */
import type { RouteRecordRaw } from 'vue-router'
import { PERM } from '../../utils/permission'

export const coreRoutes: RouteRecordRaw[] = [
  {
    path: 'dashboard',
    name: 'dashboard',
    component: () => import('../../views/dashboard/DashboardView.vue'),
    meta: { perm: PERM.dashboard, title: 'menu.dashboard' },
  },
  {
    path: 'schools',
    name: 'schools',
    component: () => import('../../views/schools/SchoolList.vue'),
    meta: { perm: PERM.schoolDistrict, title: 'menu.schools' },
  },
  {
    path: 'schools/:id(\\d+)',
    name: 'school',
    component: () => import('../../views/schools/SchoolDetail.vue'),
    props: (r) => ({ id: Number(r.params.id) }),
    meta: { perm: PERM.classView, title: 'school.title', menu: '/schools' },
  },
  {
    path: 'classes/:id(\\d+)',
    name: 'class',
    component: () => import('../../views/schools/ClassDetail.vue'),
    props: (r) => ({ id: Number(r.params.id) }),
    meta: { perm: PERM.classView, title: 'class.title', menu: '/schools' },
  },
  {
    path: 'students/:id(\\d+)',
    name: 'student',
    component: () => import('../../views/students/StudentDetail.vue'),
    props: (r) => ({ id: Number(r.params.id) }),
    meta: { perm: PERM.studentView, title: 'student.title', menu: '/schools' },
  },
  {
    path: 'users',
    name: 'users',
    component: () => import('../../views/users/UserList.vue'),
    meta: { perm: PERM.userList, title: 'menu.users' },
  },
  {
    path: 'imports',
    name: 'imports',
    component: () => import('../../views/imports/ImportView.vue'),
    meta: { perm: PERM.importStudents, title: 'menu.imports' },
  },
  {
    path: 'audit',
    name: 'audit',
    component: () => import('../../views/audit/AuditView.vue'),
    meta: { perm: PERM.auditList, title: 'menu.audit' },
  },
  {
    path: 'policy',
    name: 'policy',
    component: () => import('../../views/policy/PolicyView.vue'),
    meta: { perm: PERM.policyList, title: 'menu.policy' },
  },
  {
    path: 'calendar',
    name: 'calendar',
    component: () => import('../../views/calendar/CalendarView.vue'),
    meta: { perm: PERM.calendarEdit, title: 'menu.calendar' },
  },
  {
    path: 'teaching',
    name: 'teaching',
    component: () => import('../../views/teaching/TeachingHome.vue'),
    meta: { perm: PERM.teaching, title: 'menu.teaching' },
  },
  {
    path: 'family',
    name: 'family',
    component: () => import('../../views/family/FamilyHome.vue'),
    meta: { perm: PERM.family, title: 'menu.family', light: true },
  },
  {
    path: 'institution',
    name: 'institution',
    component: () => import('../../views/training/InstitutionHome.vue'),
    meta: { perm: PERM.institutionHome, title: 'menu.institution' },
  },
]
