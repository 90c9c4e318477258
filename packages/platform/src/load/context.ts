/**
 * What every loader (one per service: the demo city through that service's real API) and the
 * scenario stream get, and what they give back.
 */
import type { DemoCity } from '@minzheng/demo-city';
import type { Actor, PlatformApi } from '../api.js';

export interface LoadContext {
  readonly api: PlatformApi;
  readonly city: DemoCity;
  /** Requests in flight at once per loader. */
  readonly concurrency: number;
  /** Progress of a long step: `done` of `total` (the main job draws a bar; tests ignore it). */
  readonly progress: (step: string, done: number, total: number) => void;
}

/** Counts of what a loader created, by name (e.g. `{ households: 3438, enrolments: 34 }`). */
export type LoadCounts = Readonly<Record<string, number>>;

export type Loader = (context: LoadContext) => Promise<LoadCounts>;

/** The city's actors: a staff member of the city's directory acting in a role, or a system. */
export const cityAdmin: Actor = { subject: 'demo-admin', roles: ['admin'], jurisdiction: '442000', name: '演示管理员' };
export const citySupervisor: Actor = { subject: 'demo-supervisor', roles: ['supervisor'], jurisdiction: '442000', name: '市级审批人' };
export const townCaseworker = (townCode: string): Actor => ({ subject: `demo-caseworker-${townCode}`, roles: ['caseworker'], jurisdiction: townCode, name: '镇街经办人' });
export const townSupervisor = (townCode: string): Actor => ({ subject: `demo-supervisor-${townCode}`, roles: ['supervisor'], jurisdiction: townCode, name: '镇街审批人' });
export const departmentSystem = (department: string, subject = `system-${department.toLowerCase()}`): Actor => ({ subject, roles: ['department-system'], jurisdiction: '442000', department, name: department });
