/**
 * The closed vocabularies of the contract (schemas/elderly-care/*.avsc, schemas/common) as runtime
 * lists for request schemas; `satisfies` keeps each list within the generated type.
 */
import type {
  CareDependencyLevel,
  ElderEconomicStatus,
  ElderVisitKind,
  ElderVisitOutcome,
  HomeServiceKind,
  LivingArrangement,
  MeasurementUnit,
  MonitoringDeviceKind,
  ThresholdDirection,
  VitalSignMetric,
  WorkerRole,
} from '@minzheng/contracts';

export const LIVING_ARRANGEMENTS = ['ALONE', 'EMPTY_NEST', 'WITH_FAMILY', 'INSTITUTION', 'OTHER'] as const satisfies readonly LivingArrangement[];
export const ECONOMIC_STATUSES = ['DIBAO', 'LOW_INCOME', 'TEKUN', 'LONE_MILITARY_BENEFICIARY', 'ORDINARY', 'UNKNOWN'] as const satisfies readonly ElderEconomicStatus[];
export const WORKER_ROLES = [
  'SOCIAL_WORKER', 'CHILD_DIRECTOR', 'CHILD_SUPERVISOR', 'GRID_WORKER', 'VILLAGE_CADRE', 'PARTY_CADRE', 'CIVIL_AFFAIRS_ASSISTANT', 'CARE_WORKER',
  'VOLUNTEER', 'TOWN_ASSISTANCE_OFFICE', 'MINORS_PROTECTION_STATION', 'ELDERLY_DISPATCH_CENTRE', 'HELP_CENTRE', 'SUPERVISOR', 'AUDITOR', 'OTHER',
] as const satisfies readonly WorkerRole[];
export const CARE_DEPENDENCY_LEVELS = ['ABLE', 'MILD', 'MODERATE', 'SEVERE', 'UNKNOWN'] as const satisfies readonly CareDependencyLevel[];
export const HOME_SERVICE_KINDS = ['MEAL', 'CLEANING', 'MEDICAL', 'SAFETY', 'LEARNING', 'LEISURE', 'OTHER', 'AGE_FRIENDLY_RENOVATION'] as const satisfies readonly HomeServiceKind[];
export const VISIT_KINDS = ['HOME_VISIT', 'PHONE_CALL', 'VIDEO_CALL', 'PATROL', 'OTHER'] as const satisfies readonly ElderVisitKind[];
export const VISIT_OUTCOMES = ['WELL', 'NEEDS_FOLLOW_UP', 'SERVICE_ARRANGED', 'NOT_MET', 'HOSPITALISED', 'DECEASED', 'OTHER'] as const satisfies readonly ElderVisitOutcome[];
export const DEVICE_KINDS = ['EMERGENCY_CALL', 'VITAL_SIGN_MONITOR', 'SMART_WATCH', 'SMOKE_OR_GAS_SENSOR', 'DOOR_SENSOR', 'OTHER'] as const satisfies readonly MonitoringDeviceKind[];
export const VITAL_SIGN_METRICS = [
  'HEART_RATE', 'RESPIRATION_RATE', 'BLOOD_OXYGEN', 'SYSTOLIC_PRESSURE', 'DIASTOLIC_PRESSURE', 'BODY_TEMPERATURE', 'FALL_DETECTED', 'NO_MOVEMENT', 'OUT_OF_BED', 'OTHER',
] as const satisfies readonly VitalSignMetric[];
export const MEASUREMENT_UNITS = ['BEATS_PER_MINUTE', 'BREATHS_PER_MINUTE', 'PERCENT', 'MMHG', 'DECI_CELSIUS', 'MINUTES', 'COUNT', 'OTHER'] as const satisfies readonly MeasurementUnit[];
export const THRESHOLD_DIRECTIONS = ['ABOVE', 'BELOW', 'OTHER'] as const satisfies readonly ThresholdDirection[];
