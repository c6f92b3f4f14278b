/*
 * The training and funds modules' pages (views/training, views/funds). Each page needs the
 * permission string of the server route it stands on (src/training/api.c, src/funds/api.c),
 * which GET /me lists for the roles that route lets in:
 *   district staff: `training:institution:add` (the registry), `funds:verify` (funds supervision);
 *   an institution_admin and district staff: `training:institution:list` (an institution's page);
 *   a guardian: `funds:contract:add` (find an institution, sign, pay, refund);
 *   everyone concerned by a contract: `funds:contract:list` (a contract's page).
 * The institution_admin's home (/institution, core's route) shows InstitutionHome.
 */
import type { RouteRecordRaw } from 'vue-router'

export const FU_PERM = {
  registry: 'training:institution:add',
  institution: 'training:institution:list',
  courseAdd: 'training:course:add',
  courseReview: 'training:course:review',
  staffAdd: 'training:staff:add',
  inspectionAdd: 'training:inspection:add',
  listEdit: 'training:institution:edit',
  blacklist: 'training:blacklist:add',
  state: 'funds:institution:state',
  supervise: 'funds:verify',
  export: 'funds:export',
  summary: 'funds:summary',
  sign: 'funds:contract:add',
  contract: 'funds:contract:list',
  pay: 'funds:payment:add',
  lesson: 'funds:lesson:add',
  refund: 'funds:refund:add',
  payout: 'funds:refund:payout',
} as const

export const trainingRoutes: RouteRecordRaw[] = [
  {
    path: 'institutions',
    name: 'institutions',
    component: () => import('../../views/training/InstitutionList.vue'),
    meta: { perm: FU_PERM.registry, title: 'training.menu.registry' },
  },
  {
    path: 'institutions/:id(\\d+)',
    name: 'institution-detail',
    component: () => import('../../views/training/InstitutionDetail.vue'),
    props: (r) => ({ id: Number(r.params.id) }),
    meta: { perm: FU_PERM.institution, title: 'training.detailTitle', menu: '/institutions' },
  },
  {
    path: 'funds',
    name: 'funds',
    component: () => import('../../views/funds/FundsView.vue'),
    meta: { perm: FU_PERM.supervise, title: 'funds.menu.district' },
  },
  {
    path: 'training',
    name: 'family-training',
    component: () => import('../../views/funds/FamilyTraining.vue'),
    meta: { perm: FU_PERM.sign, title: 'funds.menu.family' },
  },
  {
    path: 'contracts/:id(\\d+)',
    name: 'contract',
    component: () => import('../../views/funds/ContractDetail.vue'),
    props: (r) => ({ id: Number(r.params.id) }),
    meta: { perm: FU_PERM.contract, title: 'funds.contractTitle' },
  },
]
