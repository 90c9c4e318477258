/** 高龄津贴 (advanced-age allowance): the grant job, an elder's grants, the tier tables. */
import { Type } from '@fastify/type-provider-typebox';
import type { App } from '@minzheng/service-kit/app';
import { requireJurisdiction } from '@minzheng/service-kit/auth';
import { RegionCodeSchema, errorResponses, principalOf } from '@minzheng/service-kit/routes';
import type { ElderlyCareDeps } from '../deps.js';
import { grantIdOf } from '../domain/age-allowance.js';
import { runAgeAllowanceJob } from '../use-cases/age-allowance-job.js';
import { ElderParams } from './elders.js';

const GrantView = Type.Object({
  allowanceId: Type.String({ description: '津贴编号 (grant id: one per elder and tier)' }),
  elderId: Type.String(),
  tierId: Type.String({ description: '津贴档次 (age tier)' }),
  standardVersionId: Type.String({ description: '所用档次表版本 (tier-table version used)' }),
  monthlyAmountFen: Type.Integer({ description: '月津贴，分 (monthly amount in fen)' }),
  startDate: Type.String({ format: 'date', description: '起发日期 (first day paid)' }),
  grantedWithoutApplication: Type.Boolean({ description: '免申可领 (granted without application)' }),
  grantedOn: Type.String({ format: 'date', description: '核发批次日期 (job run date)' }),
});
const grantExample = { allowanceId: 'GLJT-ELD-2cc1ad6ed275e3d565efc0df5806aab7-AGE-80-89', elderId: 'ELD-2cc1ad6ed275e3d565efc0df5806aab7', tierId: 'AGE-80-89', standardVersionId: 'DEMO-GLJT-442000-2018-v1', monthlyAmountFen: 10_000, startDate: '2026-03-12', grantedWithoutApplication: true, grantedOn: '2026-03-12' };

export function allowanceRoutes(app: App, deps: ElderlyCareDeps): void {
  app.post('/jobs/advanced-age-allowance', {
    config: { roles: ['admin', 'department-system'] },
    schema: {
      tags: ['allowances'],
      summary: '运行高龄津贴免申可领核发 (run the advanced-age allowance job: grant every hukou elder reaching a tier)',
      description: '对管辖范围内（或 regionCode 内）年满档次年龄且尚无该档次津贴的户籍老人核发；同一天重复运行不会重复核发（每位老人每档一个确定的津贴编号）。事件 elderly-care.advanced-age-allowance-granted。',
      body: Type.Object({
        date: Type.Optional(Type.String({ format: 'date', description: '运行日期，默认今天，不得晚于今天 (run date, default today, not in the future)' })),
        regionCode: Type.Optional(RegionCodeSchema),
      }, { additionalProperties: false, examples: [{ date: '2026-03-12' }, {}] }),
      response: {
        200: Type.Object({
          date: Type.String({ format: 'date' }),
          regionCode: Type.String(),
          considered: Type.Integer({ description: '达到档次年龄的户籍老人 (hukou elders in a tier)' }),
          granted: Type.Integer({ description: '本次核发 (granted now)' }),
          alreadyGranted: Type.Integer({ description: '已有该档津贴 (already held their tier)' }),
          failed: Type.Integer({ description: '失败（已记录日志，下次重试） (failed, logged, retried next run)' }),
          grantIds: Type.Array(Type.String()),
        }, { examples: [{ date: '2026-03-12', regionCode: '442000', considered: 12, granted: 3, alreadyGranted: 9, failed: 0, grantIds: [grantExample.allowanceId] }] }),
        ...errorResponses,
      },
    },
  }, async (request) => {
    const principal = principalOf(request);
    const regionCode = request.body.regionCode ?? principal.jurisdiction;
    requireJurisdiction(principal, regionCode);
    return runAgeAllowanceJob(deps, regionCode, request.body.date, request.log);
  });

  app.get('/elders/:id/allowances', {
    config: { roles: ['caseworker', 'supervisor', 'analyst', 'admin'] },
    schema: {
      tags: ['allowances'],
      summary: '老人的高龄津贴 (an elder\'s advanced-age allowance grants)',
      params: ElderParams,
      response: { 200: Type.Object({ items: Type.Array(GrantView) }, { examples: [{ items: [grantExample] }] }), ...errorResponses },
    },
  }, async (request) => {
    const { jurisdiction } = principalOf(request);
    const elder = await deps.elders.get(request.params.id, jurisdiction);
    // Grant ids are deterministic: look each possible one up by id instead of scanning.
    const tierIds = [...new Set(deps.parameters.ageAllowanceTables.flatMap((table) => table.tiers.map((tier) => tier.tierId)))];
    const grants = await deps.grants.byIds(tierIds.map((tierId) => grantIdOf(elder._id, tierId)), jurisdiction);
    return {
      items: grants
        .sort((a, b) => a.startDate.localeCompare(b.startDate))
        .map((grant) => ({ allowanceId: grant._id, elderId: grant.elderId, tierId: grant.tierId, standardVersionId: grant.standardVersionId, monthlyAmountFen: grant.monthlyAmountFen, startDate: grant.startDate, grantedWithoutApplication: grant.grantedWithoutApplication, grantedOn: grant.grantedOn })),
    };
  });

  app.get('/parameters/advanced-age-allowance', {
    config: { roles: ['caseworker', 'supervisor', 'analyst', 'admin', 'department-system'] },
    schema: {
      tags: ['allowances'],
      summary: '高龄津贴档次表（参数，含演示值标记） (the tier-table versions: a PARAMETER; demo versions are flagged)',
      response: {
        200: Type.Object({
          items: Type.Array(Type.Object({
            versionId: Type.String(),
            regionCode: Type.String(),
            effectiveFrom: Type.String({ format: 'date' }),
            demo: Type.Boolean({ description: '演示值，非政策 (demo values, not policy)' }),
            sourceDocument: Type.String(),
            tiers: Type.Array(Type.Object({ tierId: Type.String(), minAge: Type.Integer(), maxAge: Type.Union([Type.Integer(), Type.Null()]), monthlyAmountFen: Type.Integer() })),
          })),
        }, { examples: [{ items: [{ versionId: 'DEMO-GLJT-442000-2018-v1', regionCode: '442000', effectiveFrom: '2018-01-01', demo: true, sourceDocument: 'DEMO', tiers: [{ tierId: 'AGE-80-89', minAge: 80, maxAge: 89, monthlyAmountFen: 10_000 }] }] }] }),
        ...errorResponses,
      },
    },
  }, () => ({ items: deps.parameters.ageAllowanceTables.map((table) => ({ ...table, tiers: [...table.tiers] })) }));
}
