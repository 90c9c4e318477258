/** 微心愿 (micro-wishes): publish, read, list, claim, release, fulfil, cancel. */
import { Type } from '@fastify/type-provider-typebox';
import type { App } from '@minzheng/service-kit/app';
import type { AccessAudit } from '@minzheng/service-kit/audit';
import { PageQuery, RegionCodeSchema, errorResponses, pageOf, pageSchema, principalOf } from '@minzheng/service-kit/routes';
import type { FastifyRequest } from 'fastify';
import { seesPersonalData } from '../campaigns/campaign.view.js';
import type { CharityDeps } from '../deps.js';
import { WishCancelReasonSchema, WishCategorySchema, WishView, wishPersonKeys, wishView } from '../micro-wishes/micro-wish.view.js';
import { cancelWish, claimWish, createWish, fulfilWish, getWish, releaseWish, type WishWithState } from '../use-cases/micro-wishes.js';
import { DonorInputProperties, PersonInput } from './ledger.js';

const CreateBody = Type.Object({
  beneficiary: PersonInput,
  regionCode: Type.String({ pattern: '^\\d{9}(\\d{3})?$', description: '受助人所在镇街或村居代码 (beneficiary town or village code)' }),
  category: WishCategorySchema,
  description: Type.String({ minLength: 2, maxLength: 500, description: '心愿内容，加密存储 (the wish, free text; stored encrypted)' }),
  estimatedValueFen: Type.Integer({ minimum: 1, description: '估计价值，分 (estimated value, fen)' }),
  publisherId: Type.String({ minLength: 1, maxLength: 60, description: '发布单位编号 (publishing organisation or village committee)' }),
  deadline: Type.Optional(Type.String({ format: 'date', description: '截止日期，不早于今天 (last day open)' })),
}, { additionalProperties: false, examples: [{ beneficiary: { idNumber: '442000201203040024', name: '陈小雨' }, regionCode: '442000001001', category: 'STUDY_SUPPLIES', description: '想要一个新书包和一套文具', estimatedValueFen: 20_000, publisherId: '442000001001-村委会', deadline: '2026-12-31' }] });

const ClaimBody = Type.Object(DonorInputProperties, { additionalProperties: false, examples: [{ donorKind: 'ENTERPRISE', donorOrganisationName: '中山市某某电器有限公司' }, { donorKind: 'INDIVIDUAL', donor: { idNumber: '442000198503150028', name: '黄丽娟' } }] });
const FulfilBody = Type.Object({
  fulfilledValueFen: Type.Integer({ minimum: 1, description: '实现价值，分 (value given, fen)' }),
  deliveredDate: Type.Optional(Type.String({ format: 'date', description: '送达日期，默认今天，不早于认领日 (delivered; default today)' })),
  receiptConfirmed: Type.Boolean({ description: '受助人（或村委会）确认收到 (receipt confirmed)' }),
}, { additionalProperties: false, examples: [{ fulfilledValueFen: 19_800, receiptConfirmed: true }] });
const CancelBody = Type.Object({ reason: WishCancelReasonSchema }, { additionalProperties: false, examples: [{ reason: 'NO_LONGER_NEEDED' }] });
const EmptyBody = Type.Object({}, { additionalProperties: false, examples: [{}] });
const WishParams = Type.Object({ id: Type.String({ description: '心愿编号 (wish id)' }) });

export function microWishRoutes(app: App, deps: CharityDeps, audit: AccessAudit): void {
  const respond = async (request: FastifyRequest, result: WishWithState, action: 'read' | 'write') => {
    const principal = principalOf(request);
    const clear = seesPersonalData(principal);
    if (clear || action === 'write') await audit.record(request, { action, resource: 'micro-wish', resourceId: result.wish._id, personKeys: wishPersonKeys(result.wish, result.head.state) });
    return wishView(result.wish, result.head, deps.keyring, clear);
  };

  app.post('/micro-wishes', {
    config: { roles: ['caseworker', 'supervisor'], idempotent: true },
    schema: {
      tags: ['micro-wishes'],
      summary: '发布微心愿 (publish a micro-wish for a person)',
      description: '受助人身份证号、姓名与心愿内容加密存储。事件 charity.micro-wish-created。',
      body: CreateBody,
      response: { 201: WishView, ...errorResponses },
    },
  }, async (request, reply) => {
    const result = await createWish(deps, principalOf(request), request.body);
    return reply.code(201).header('location', `/micro-wishes/${result.wish._id}`).send(await respond(request, result, 'write'));
  });

  app.get('/micro-wishes/:id', {
    config: { roles: ['caseworker', 'supervisor', 'analyst', 'admin'] },
    schema: { tags: ['micro-wishes'], summary: '查看微心愿 (one micro-wish, with the actions allowed now)', params: WishParams, response: { 200: WishView, ...errorResponses } },
  }, async (request) => respond(request, await getWish(deps, principalOf(request), request.params.id), 'read'));

  app.get('/micro-wishes', {
    config: { roles: ['caseworker', 'supervisor', 'analyst', 'admin'] },
    schema: {
      tags: ['micro-wishes'],
      summary: '微心愿列表（分页，按区划、类别筛选；个人信息脱敏） (micro-wishes in the caller\'s jurisdiction, newest first; masked)',
      querystring: Type.Object({ ...PageQuery.properties, regionCode: Type.Optional(RegionCodeSchema), category: Type.Optional(WishCategorySchema) }, { additionalProperties: false }),
      response: { 200: pageSchema(WishView), ...errorResponses },
    },
  }, async (request) => {
    const principal = principalOf(request);
    const { regionCode, category } = request.query;
    const result = await deps.wishes.list(principal.jurisdiction, regionCode, category === undefined ? {} : { category }, pageOf(request.query));
    // Lists are masked for everyone: open one wish to see it in clear (audited).
    const items = await Promise.all(result.items.map(async (wish) => wishView(wish, await deps.wishSteps.head(wish._id, wish.headSeq), deps.keyring, false)));
    return { ...result, items };
  });

  app.post('/micro-wishes/:id/claim', {
    config: { roles: ['caseworker', 'supervisor'] },
    schema: { tags: ['micro-wishes'], summary: '认领微心愿 (claim a wish for a donor)', description: '仅 OPEN 且未过截止日期的心愿可认领；否则 CHARITY_ILLEGAL_TRANSITION / CHARITY_WISH_EXPIRED (409)。事件 charity.micro-wish-claimed。', params: WishParams, body: ClaimBody, response: { 200: WishView, ...errorResponses } },
  }, async (request) => respond(request, await claimWish(deps, principalOf(request), request.params.id, request.body), 'write'));

  app.post('/micro-wishes/:id/release', {
    config: { roles: ['caseworker', 'supervisor'] },
    schema: { tags: ['micro-wishes'], summary: '释放认领 (release a claim: the wish is open again)', description: '事件 charity.micro-wish-released。', params: WishParams, body: EmptyBody, response: { 200: WishView, ...errorResponses } },
  }, async (request) => respond(request, await releaseWish(deps, principalOf(request), request.params.id), 'write'));

  app.post('/micro-wishes/:id/fulfilment', {
    config: { roles: ['caseworker', 'supervisor'] },
    schema: { tags: ['micro-wishes'], summary: '微心愿已实现 (record that a claimed wish was delivered)', description: '事件 charity.micro-wish-fulfilled，含认领人。', params: WishParams, body: FulfilBody, response: { 200: WishView, ...errorResponses } },
  }, async (request) => respond(request, await fulfilWish(deps, principalOf(request), request.params.id, request.body), 'write'));

  app.post('/micro-wishes/:id/cancellation', {
    config: { roles: ['caseworker', 'supervisor'] },
    schema: { tags: ['micro-wishes'], summary: '撤销微心愿 (withdraw an open or claimed wish)', description: '事件 charity.micro-wish-cancelled。', params: WishParams, body: CancelBody, response: { 200: WishView, ...errorResponses } },
  }, async (request) => respond(request, await cancelWish(deps, principalOf(request), request.params.id, request.body.reason), 'write'));
}
