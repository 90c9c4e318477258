/** 募捐活动 (campaigns): open, read, list, close; and the public transparency view. */
import { Type } from '@fastify/type-provider-typebox';
import type { App } from '@minzheng/service-kit/app';
import { PageQuery, RegionCodeSchema, errorResponses, pageOf, pageSchema, principalOf } from '@minzheng/service-kit/routes';
import { CampaignKindSchema, CampaignView, CloseReasonSchema, TransparencyView, campaignView, transparencyView } from '../campaigns/campaign.view.js';
import type { CharityDeps } from '../deps.js';
import { CharityError } from '../domain/errors.js';
import { closeCampaign, getCampaign, openCampaign } from '../use-cases/campaigns.js';

const OpenBody = Type.Object({
  title: Type.String({ minLength: 2, maxLength: 100, description: '活动名称，公开展示，不得含个人姓名 (public title; must not name a person)' }),
  kind: CampaignKindSchema,
  fundName: Type.Optional(Type.String({ minLength: 2, maxLength: 100, description: '冠名基金或帮扶中心名称 (named fund or help centre, e.g. 刘蓉蓉慈育助学基金, 大病困难帮扶中心)' })),
  organiserId: Type.String({ minLength: 1, maxLength: 30, description: '发起机构统一社会信用代码，须已登记 (organiser credit code; must be registered)' }),
  filingNo: Type.Optional(Type.String({ minLength: 1, maxLength: 60, description: '募捐备案编号 (filing number)' })),
  targetAmountFen: Type.Optional(Type.Integer({ minimum: 1, description: '目标金额，分 (target, fen)' })),
  openDate: Type.Optional(Type.String({ format: 'date', description: '开始日期，默认今天，不晚于今天 (first day; default today, not after today)' })),
  plannedCloseDate: Type.Optional(Type.String({ format: 'date', description: '计划结束日期 (planned last day)' })),
  regionCode: RegionCodeSchema,
}, {
  additionalProperties: false,
  examples: [{ title: '2026年大病困难帮扶基金', kind: 'MAJOR_ILLNESS', fundName: '大病困难帮扶中心', organiserId: '53442000MJL0000018', targetAmountFen: 100_000_000, plannedCloseDate: '2026-12-31', regionCode: '442000' }],
});

const CloseBody = Type.Object({
  reason: CloseReasonSchema,
  closedDate: Type.Optional(Type.String({ format: 'date', description: '结束日期，默认今天；不早于开始日期、不晚于今天 (last day; default today)' })),
}, { additionalProperties: false, examples: [{ reason: 'PERIOD_ENDED', closedDate: '2026-12-31' }] });

const CampaignParams = Type.Object({ id: Type.String({ description: '募捐活动编号 (campaign id)' }) });

export function campaignRoutes(app: App, deps: CharityDeps): void {
  app.post('/campaigns', {
    config: { roles: ['supervisor', 'admin'], idempotent: true },
    schema: {
      tags: ['campaigns'],
      summary: '开启募捐活动 (open a campaign: micro-fund, named fund, help-centre fund, ...)',
      description: '发起机构须已登记；事件 charity.campaign-opened（按活动编号分区）经发件箱发布。',
      body: OpenBody,
      response: { 201: CampaignView, ...errorResponses },
    },
  }, async (request, reply) => {
    const { campaign, head } = await openCampaign(deps, principalOf(request), request.body);
    return reply.code(201).header('location', `/campaigns/${campaign._id}`).send(campaignView(campaign, head));
  });

  app.get('/campaigns/:id', {
    config: { roles: ['caseworker', 'supervisor', 'analyst', 'admin'] },
    schema: {
      tags: ['campaigns'],
      summary: '查看募捐活动及账目总额 (one campaign with its ledger totals)',
      params: CampaignParams,
      response: { 200: CampaignView, ...errorResponses },
    },
  }, async (request) => {
    const { campaign, head } = await getCampaign(deps, principalOf(request), request.params.id);
    return campaignView(campaign, head);
  });

  app.get('/campaigns', {
    config: { roles: ['caseworker', 'supervisor', 'analyst', 'admin'] },
    schema: {
      tags: ['campaigns'],
      summary: '募捐活动列表（分页，按区划、类型筛选） (campaigns in the caller\'s jurisdiction, newest first)',
      querystring: Type.Object({ ...PageQuery.properties, regionCode: Type.Optional(RegionCodeSchema), kind: Type.Optional(CampaignKindSchema), organiserId: Type.Optional(Type.String()) }, { additionalProperties: false }),
      response: { 200: pageSchema(CampaignView), ...errorResponses },
    },
  }, async (request) => {
    const { regionCode, kind, organiserId } = request.query;
    const filter = { ...(kind === undefined ? {} : { kind }), ...(organiserId === undefined ? {} : { organiserId: organiserId.toUpperCase() }) };
    const result = await deps.campaigns.list(principalOf(request).jurisdiction, regionCode, filter, pageOf(request.query));
    // Totals and status from each ledger's head (the campaign document's hints may lag).
    const items = await Promise.all(result.items.map(async (campaign) => campaignView(campaign, await deps.ledger.head(campaign._id, campaign.headSeq))));
    return { ...result, items };
  });

  app.post('/campaigns/:id/close', {
    config: { roles: ['supervisor', 'admin'] },
    schema: {
      tags: ['campaigns'],
      summary: '结束募捐活动 (close a campaign: no more donations or disbursements)',
      description: '结束是账目的最后一条：事件 charity.campaign-closed 的募集总额与笔数即结束时的账目数字。再次结束为 CHARITY_CAMPAIGN_CLOSED (409)。',
      params: CampaignParams,
      body: CloseBody,
      response: { 200: CampaignView, ...errorResponses },
    },
  }, async (request) => {
    const { campaign, head } = await closeCampaign(deps, principalOf(request), request.params.id, request.body);
    return campaignView(campaign, head);
  });

  app.get('/public/campaigns/:id', {
    config: { public: true },
    schema: {
      tags: ['transparency'],
      summary: '募捐活动公开信息：收入、支出、余额、笔数、月度数字（无需登录，无个人信息） (public transparency: totals, counts, months; no token, no personal data)',
      security: [],
      params: CampaignParams,
      response: { 200: TransparencyView, 404: Type.Ref('ErrorResponse') },
    },
  }, async (request) => {
    const campaign = await deps.campaigns.findAnywhere(request.params.id);
    if (!campaign) throw new CharityError('CHARITY_NOT_FOUND', `募捐活动不存在 (campaign ${request.params.id} not found)`, { field: 'id', rule: 'must name a campaign', id: request.params.id });
    return transparencyView(campaign, await deps.ledger.head(campaign._id, campaign.headSeq));
  });
}
