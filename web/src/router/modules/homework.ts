/*
 * The homework and exams pages (views/homework). Each page needs the permission string of the
 * server route it stands on (src/homework/api.c, src/exams/api.c), which GET /me lists for the
 * roles that route lets in: the teacher's page `homework:publish` (teachers, grade leaders,
 * school admins), the family's `homework:feedback` (guardians), the grade matrix
 * `homework:grade` and the reports `homework:report` (school admins, grade leaders, district
 * staff), exams `exams:list` (school and district staff).
 */
import type { RouteRecordRaw } from 'vue-router'

export const HW_PERM = {
  teacher: 'homework:publish',
  family: 'homework:feedback',
  grade: 'homework:grade',
  report: 'homework:report',
  exams: 'exams:list',
} as const

export const homeworkRoutes: RouteRecordRaw[] = [
  {
    path: 'homework/teacher',
    name: 'homework-teacher',
    component: () => import('../../views/homework/HomeworkTeacher.vue'),
    meta: { perm: HW_PERM.teacher, title: 'homework.menu.teacher' },
  },
  {
    path: 'homework/family',
    name: 'homework-family',
    component: () => import('../../views/homework/HomeworkFamily.vue'),
    meta: { perm: HW_PERM.family, title: 'homework.menu.family' },
  },
  {
    path: 'homework/grade',
    name: 'homework-grade',
    component: () => import('../../views/homework/HomeworkGrade.vue'),
    meta: { perm: HW_PERM.grade, title: 'homework.menu.grade' },
  },
  {
    path: 'homework/reports',
    name: 'homework-reports',
    component: () => import('../../views/homework/HomeworkReports.vue'),
    meta: { perm: HW_PERM.report, title: 'homework.menu.reports' },
  },
  {
    path: 'exams',
    name: 'exams',
    component: () => import('../../views/homework/ExamsView.vue'),
    meta: { perm: HW_PERM.exams, title: 'exams.menu' },
  },
]
