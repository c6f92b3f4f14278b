/*
 * The after-school module's pages (views/afterschool). Each page needs the permission string of
 * the server route it stands on (src/afterschool/api.c), which GET /me lists for the roles that
 * route lets in: the guardian's page `afterschool:choose` (guardians only), the teacher's
 * `afterschool:leave` (school staff), the school office's `afterschool:program:add` (school and
 * district admins), the district's `afterschool:vendor:add` (district admins).
 */
import type { RouteRecordRaw } from 'vue-router'

export const AS_PERM = {
  family: 'afterschool:choose',
  teacher: 'afterschool:leave',
  school: 'afterschool:program:add',
  district: 'afterschool:vendor:add',
} as const

export const afterschoolRoutes: RouteRecordRaw[] = [
  {
    path: 'afterschool/family',
    name: 'afterschool-family',
    component: () => import('../../views/afterschool/FamilyAfterschool.vue'),
    meta: { perm: AS_PERM.family, title: 'afterschool.menu.family' },
  },
  {
    path: 'afterschool/teacher',
    name: 'afterschool-teacher',
    component: () => import('../../views/afterschool/TeacherAfterschool.vue'),
    meta: { perm: AS_PERM.teacher, title: 'afterschool.menu.teacher' },
  },
  {
    path: 'afterschool/school',
    name: 'afterschool-school',
    component: () => import('../../views/afterschool/SchoolAfterschool.vue'),
    meta: { perm: AS_PERM.school, title: 'afterschool.menu.school' },
  },
  {
    path: 'afterschool/district',
    name: 'afterschool-district',
    component: () => import('../../views/afterschool/DistrictAfterschool.vue'),
    meta: { perm: AS_PERM.district, title: 'afterschool.menu.district' },
  },
]
