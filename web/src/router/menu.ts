/*
 * menu.ts: the side menu, in order. Each item names the permission it needs (utils/permission);
 * the shell shows filterMenu(MENU, permissionsOf(user)). Titles are i18n keys, icons are
 * @element-plus/icons-vue names registered in plugins/element.ts.
 */
import { PERM, type MenuItem } from '../utils/permission'
import { FU_PERM } from './modules/training'
import { AS_PERM } from './modules/afterschool'
import { HW_PERM } from './modules/homework'
import { CS_PERM } from './modules/cases'
import { RP_PERM } from './modules/reports'
import { NT_PERM } from './modules/notices'

export const MENU: readonly MenuItem[] = [
  { path: '/dashboard', title: 'menu.dashboard', icon: 'DataAnalysis', perm: PERM.dashboard },
  { path: '/schools', title: 'menu.schools', icon: 'School', perm: PERM.schoolDistrict },
  { path: '/my-school', title: 'menu.mySchool', icon: 'School', perm: PERM.schoolOwn },
  { path: '/users', title: 'menu.users', icon: 'User', perm: PERM.userList },
  { path: '/imports', title: 'menu.imports', icon: 'Upload', perm: PERM.importStudents },
  { path: '/teaching', title: 'menu.teaching', icon: 'Reading', perm: PERM.teaching },
  { path: '/family', title: 'menu.family', icon: 'House', perm: PERM.family },
  { path: '/notices', title: 'notices.menu.inbox', icon: 'Bell', perm: NT_PERM.inbox },
  { path: '/notices/sent', title: 'notices.menu.sent', icon: 'Promotion', perm: NT_PERM.send },
  { path: '/homework/family', title: 'homework.menu.family', icon: 'Reading', perm: HW_PERM.family },
  { path: '/homework/teacher', title: 'homework.menu.teacher', icon: 'Document', perm: HW_PERM.teacher },
  { path: '/homework/grade', title: 'homework.menu.grade', icon: 'Calendar', perm: HW_PERM.grade },
  { path: '/homework/reports', title: 'homework.menu.reports', icon: 'DataAnalysis', perm: HW_PERM.report },
  { path: '/exams', title: 'exams.menu', icon: 'List', perm: HW_PERM.exams },
  { path: '/afterschool/family', title: 'afterschool.menu.family', icon: 'Reading', perm: AS_PERM.family },
  { path: '/afterschool/teacher', title: 'afterschool.menu.teacher', icon: 'Calendar', perm: AS_PERM.teacher },
  { path: '/afterschool/school', title: 'afterschool.menu.school', icon: 'School', perm: AS_PERM.school },
  { path: '/afterschool/district', title: 'afterschool.menu.district', icon: 'DataAnalysis', perm: AS_PERM.district },
  { path: '/institution', title: 'menu.institution', icon: 'OfficeBuilding', perm: PERM.institutionHome },
  { path: '/institutions', title: 'training.menu.registry', icon: 'OfficeBuilding', perm: FU_PERM.registry },
  { path: '/funds', title: 'funds.menu.district', icon: 'DataAnalysis', perm: FU_PERM.supervise },
  { path: '/training', title: 'funds.menu.family', icon: 'Reading', perm: FU_PERM.sign },
  { path: '/cases', title: 'cases.menu.cases', icon: 'Document', perm: CS_PERM.list },
  { path: '/inspections', title: 'cases.menu.inspections', icon: 'List', perm: CS_PERM.inspect },
  { path: '/rectifications', title: 'cases.menu.rectifications', icon: 'List', perm: CS_PERM.rectifications },
  { path: '/complaints', title: 'cases.menu.complaints', icon: 'Document', perm: CS_PERM.complain },
  { path: '/reports/half-monthly', title: 'reports.menu.halfMonthly', icon: 'DataAnalysis', perm: RP_PERM.school },
  { path: '/reports/ledger', title: 'reports.menu.ledger', icon: 'Reading', perm: RP_PERM.ledger },
  { path: '/reports/cases', title: 'reports.menu.cases', icon: 'Document', perm: RP_PERM.caseList },
  { path: '/reports/compilation', title: 'reports.menu.compilation', icon: 'List', perm: RP_PERM.compilation },
  { path: '/policy', title: 'menu.policy', icon: 'Document', perm: PERM.policyList },
  { path: '/calendar', title: 'menu.calendar', icon: 'Calendar', perm: PERM.calendarEdit },
  { path: '/audit', title: 'menu.audit', icon: 'List', perm: PERM.auditList },
]
