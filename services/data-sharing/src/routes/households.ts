/** 家庭 (households): the profile with membership over time, now or as of a date. */
import { Type } from '@fastify/type-provider-typebox';
import type { App } from '@minzheng/service-kit/app';
import { errorResponses, principalOf } from '@minzheng/service-kit/routes';
import { requireFullView } from '../access.js';
import type { DataSharingDeps } from '../deps.js';
import { householdProfile, regionOf, subjectOf } from '../use-cases/profiles.js';
import { ProfileQuery } from './persons.js';
import { HouseholdProfileView } from './views.js';

export function householdRoutes(app: App, deps: DataSharingDeps): void {
  app.get('/households/:householdId', {
    config: { roles: ['analyst', 'caseworker', 'supervisor', 'child-protection', 'admin'] },
    schema: {
      tags: ['households'],
      summary: '家庭画像：成员构成（含历史）、在享项目、时间线 (a household\'s profile: members over time, enrolments, timeline)',
      params: Type.Object({ householdId: Type.String({ minLength: 1, maxLength: 64 }) }),
      querystring: ProfileQuery,
      response: { 200: HouseholdProfileView, ...errorResponses },
    },
  }, async (request) => {
    const principal = principalOf(request);
    const household = await subjectOf(deps, 'household', request.params.householdId);
    const view = request.query.view;
    if (view === 'full') requireFullView(request, principal, regionOf(household));
    const profile = await householdProfile(deps, household, view, request.query.asOf ?? null);
    await deps.audit.record(request, { action: 'read', resource: view === 'full' ? 'household' : 'household-masked', resourceId: household._id, personKeys: profile.members.map((member) => member.personKey) });
    return profile;
  });
}
