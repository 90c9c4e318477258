/** The departments of the contracts (`mz.common.Department`): what a precedence list may name. */
import type { Department } from '@minzheng/contracts';

const ALL = {
  CIVIL_AFFAIRS_ASSISTANCE: '民政·社会救助',
  CIVIL_AFFAIRS_ELDERLY_CARE: '民政·养老',
  CIVIL_AFFAIRS_CHILD_PROTECTION: '民政·儿童福利',
  CIVIL_AFFAIRS_CHARITY: '民政·慈善',
  CIVIL_AFFAIRS_PLATFORM: '民政·数据共享平台',
  PUBLIC_SECURITY: '公安',
  MEDICAL_INSURANCE: '医保',
  HEALTH: '卫健',
  DISABLED_PERSONS_FEDERATION: '残联',
  HUMAN_RESOURCES: '人社',
  EDUCATION: '教育',
  HOUSING: '住建',
  WATER: '水务',
  HOTLINE_12345: '12345 热线',
  EMERGENCY_MANAGEMENT: '应急',
  OTHER: '其他',
} as const satisfies Readonly<Record<Department, string>>;

/** Chinese names of the departments, for views and exports. */
export const DEPARTMENT_NAMES: Readonly<Record<Department, string>> = ALL;
export const DEPARTMENTS: readonly Department[] = Object.keys(ALL) as Department[];
