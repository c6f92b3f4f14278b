/*
 * The Element Plus components that only the staff's and the families' inner pages use (see
 * element.ts): loaded as a chunk of its own, registered by installMoreElement before the first
 * page without `meta.light` renders.
 */
import {
  ElBreadcrumb, ElBreadcrumbItem, ElCheckbox, ElCheckboxGroup, ElCol, ElDatePicker, ElDescriptions,
  ElDescriptionsItem, ElInputNumber, ElLoading, ElOption, ElPageHeader, ElPagination, ElProgress,
  ElRadio, ElRadioButton, ElRadioGroup, ElRow, ElSelect, ElStatistic, ElSwitch, ElTabPane,
  ElTable, ElTableColumn, ElTabs, ElTag, ElTimeline, ElTimelineItem, ElTooltip, ElUpload, ElRate,
} from 'element-plus'

export const moreComponents = [
  ElBreadcrumb, ElBreadcrumbItem, ElCheckbox, ElCheckboxGroup, ElCol, ElDatePicker, ElDescriptions,
  ElDescriptionsItem, ElInputNumber, ElLoading, ElOption, ElPageHeader, ElPagination, ElProgress,
  ElRadio, ElRadioButton, ElRadioGroup, ElRow, ElSelect, ElStatistic, ElSwitch, ElTabPane,
  ElTable, ElTableColumn, ElTabs, ElTag, ElTimeline, ElTimelineItem, ElTooltip, ElUpload, ElRate,
]
