/** 捐赠与发放 (donations and disbursements of a campaign): record and list. */
import { Type } from '@fastify/type-provider-typebox';
import type { App } from '@minzheng/service-kit/app';
import type { AccessAudit } from '@minzheng/service-kit/audit';
import { IDEMPOTENCY_HEADER } from '@minzheng/service-kit/idempotency';
import { PageQuery, errorResponses, pageOf, pageSchema, principalOf } from '@minzheng/service-kit/routes';
import type { FastifyRequest } from 'fastify';
import { AidKindSchema, ChannelSchema, DisbursementView, DonationFormSchema, DonationView, DonorKindSchema, EducationLevelSchema, disbursementView, donationView, donorKeys, recipientKeys, seesPersonalData } from '../campaigns/campaign.view.js';
import type { CharityDeps } from '../deps.js';
import { disburseAid } from '../use-cases/disbursements.js';
import { receiveDonation } from '../use-cases/donations.js';

export const PersonInput = Type.Object({
  idNumber: Type.String({ minLength: 15, maxLength: 18, description: '公民身份号码，按 GB 11643 校验 (resident ID number, checked per GB 11643)' }),
  name: Type.String({ minLength: 1, maxLength: 50, description: '姓名 (name)' }),
}, { additionalProperties: false });

export const DonorInputProperties = {
  donorKind: DonorKindSchema,
  donor: Type.Optional(Type.Object({
    idNumber: Type.String({ minLength: 15, maxLength: 18, description: '公民身份号码 (resident ID number)' }),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 50, description: '姓名 (name)' })),
  }, { additionalProperties: false, description: '个人捐赠人，仅 INDIVIDUAL (the individual donor; INDIVIDUAL only)' })),
  donorOrganisationName: Type.Optional(Type.String({ minLength: 2, maxLength: 100, description: '捐赠单位名称，ENTERPRISE/SOCIAL_ORGANISATION 必填 (organisation name)' })),
};

const DonationBody = Type.Object({
  ...DonorInputProperties,
  donationForm: DonationFormSchema,
  amountFen: Type.Integer({ minimum: 1, description: '金额或物资/服务估值，分，正整数 (amount or assessed value, fen)' }),
  channel: ChannelSchema,
  receiptNo: Type.Optional(Type.String({ minLength: 1, maxLength: 60, description: '捐赠票据号 (receipt number)' })),
  receivedDate: Type.Optional(Type.String({ format: 'date', description: '接收日期，默认今天 (date received; default today)' })),
}, {
  additionalProperties: false,
  examples: [
    { donorKind: 'INDIVIDUAL', donor: { idNumber: '442000198503150028', name: '黄丽娟' }, donationForm: 'CASH', amountFen: 50_000, channel: 'ONLINE_PLATFORM' },
    { donorKind: 'ENTERPRISE', donorOrganisationName: '中山市某某电器有限公司', donationForm: 'CASH', amountFen: 10_000_000, channel: 'BANK_TRANSFER', receiptNo: 'ZS2026-000123' },
    { donorKind: 'ANONYMOUS', donationForm: 'CASH', amountFen: 2_000, channel: 'ON_SITE' },
  ],
});

const DisbursementBody = Type.Object({
  recipient: PersonInput,
  regionCode: Type.String({ pattern: '^\\d{9}(\\d{3})?$', description: '受助人所在镇街或村居代码 (recipient town or village code)' }),
  householdId: Type.Optional(Type.String({ minLength: 1, maxLength: 80, description: '民政家庭编号 (household id, when known)' })),
  aidKind: AidKindSchema,
  educationLevel: Type.Optional(EducationLevelSchema),
  amountFen: Type.Integer({ minimum: 1, description: '发放金额，分 (amount, fen)' }),
  eligibleCostFen: Type.Optional(Type.Integer({ minimum: 0, description: '核定费用，分（如政策外自付医疗费用） (cost the aid is computed on, fen)' })),
  medicalSettlementId: Type.Optional(Type.String({ minLength: 1, maxLength: 80, description: '医保结算编号 (medical settlement id, major-illness aid)' })),
  disbursedDate: Type.Optional(Type.String({ format: 'date', description: '发放日期，默认今天 (date paid; default today)' })),
}, {
  additionalProperties: false,
  examples: [
    { recipient: { idNumber: '442000200801010023', name: '李小红' }, regionCode: '442000001001', aidKind: 'EDUCATION', educationLevel: 'SENIOR_HIGH', amountFen: 300_000 },
    { recipient: { idNumber: '442000196803021018', name: '陈志强' }, regionCode: '442000001001', aidKind: 'MAJOR_ILLNESS', amountFen: 1_500_000, eligibleCostFen: 4_200_000, medicalSettlementId: 'YB-2026-778812' },
  ],
});

const CampaignParams = Type.Object({ id: Type.String({ description: '募捐活动编号 (campaign id)' }) });

const idempotencyKeyOf = (request: FastifyRequest): string | undefined => {
  const key = request.headers[IDEMPOTENCY_HEADER];
  return typeof key === 'string' ? key : undefined;
};

export function ledgerRoutes(app: App, deps: CharityDeps, audit: AccessAudit): void {
  app.post('/campaigns/:id/donations', {
    config: { roles: ['caseworker', 'supervisor', 'department-system'], idempotent: true },
    schema: {
      tags: ['ledger'],
      summary: '接收捐赠 (record a donation into a campaign)',
      description: '个人捐赠人的身份证号与姓名加密存储；匿名捐赠不含个人信息。资金捐赠计入余额，物资与服务按估值另计。已结束的活动为 CHARITY_CAMPAIGN_CLOSED (409)。同一 Idempotency-Key 只记一次，即使崩溃后重试。事件 charity.donation-received。',
      params: CampaignParams,
      body: DonationBody,
      response: { 201: DonationView, ...errorResponses },
    },
  }, async (request, reply) => {
    const principal = principalOf(request);
    const { link } = await receiveDonation(deps, principal, request.params.id, request.body, idempotencyKeyOf(request));
    const clear = seesPersonalData(principal);
    await audit.record(request, { action: 'write', resource: 'donation', resourceId: link.entryId, personKeys: donorKeys([link]) });
    return reply.code(201).send(donationView(link, deps.keyring, clear));
  });

  app.get('/campaigns/:id/donations', {
    config: { roles: ['caseworker', 'supervisor', 'analyst', 'admin'] },
    schema: {
      tags: ['ledger'],
      summary: '捐赠明细（分页，最新在前；捐赠人按角色脱敏） (donations of a campaign, newest first; donors masked by role)',
      params: CampaignParams,
      querystring: Type.Object({ ...PageQuery.properties, donationForm: Type.Optional(DonationFormSchema) }, { additionalProperties: false }),
      response: { 200: pageSchema(DonationView), ...errorResponses },
    },
  }, async (request) => {
    const principal = principalOf(request);
    const campaign = await deps.campaigns.get(request.params.id, principal.jurisdiction);
    const page = pageOf(request.query);
    const { donationForm } = request.query;
    const { items, total } = await deps.ledger.links(campaign._id, { kind: 'DONATION', ...(donationForm === undefined ? {} : { 'donation.donationForm': donationForm }) }, { skip: (page.page - 1) * page.pageSize, limit: page.pageSize, newestFirst: true });
    const clear = seesPersonalData(principal);
    const keys = donorKeys(items);
    if (clear && keys.length > 0) await audit.record(request, { action: 'read', resource: 'campaign-donations', resourceId: campaign._id, personKeys: keys });
    return { items: items.map((link) => donationView(link, deps.keyring, clear)), page: page.page, pageSize: page.pageSize, total };
  });

  app.post('/campaigns/:id/disbursements', {
    config: { roles: ['supervisor'], idempotent: true },
    schema: {
      tags: ['ledger'],
      summary: '发放帮扶款 (disburse aid to a person through a campaign)',
      description: '审批人即调用者。余额不足为 CHARITY_INSUFFICIENT_BALANCE (409，details 给出拟发金额与余额)；活动已结束为 CHARITY_CAMPAIGN_CLOSED (409)；教育帮扶按学段核对每生每年标准（R-E12：大学8,000、高中3,000、初中1,000元），超出为 CHARITY_AID_ABOVE_CAP (422)。受助人身份证号与姓名加密存储，以 personKey 关联。事件 charity.aid-disbursed。',
      params: CampaignParams,
      body: DisbursementBody,
      response: { 201: DisbursementView, ...errorResponses },
    },
  }, async (request, reply) => {
    const principal = principalOf(request);
    const { link } = await disburseAid(deps, principal, request.params.id, request.body, idempotencyKeyOf(request));
    await audit.record(request, { action: 'write', resource: 'disbursement', resourceId: link.entryId, personKeys: recipientKeys([link]) });
    return reply.code(201).send(disbursementView(link, deps.keyring, seesPersonalData(principal)));
  });

  app.get('/campaigns/:id/disbursements', {
    config: { roles: ['caseworker', 'supervisor', 'analyst', 'admin'] },
    schema: {
      tags: ['ledger'],
      summary: '发放明细（分页，最新在前；受助人按角色脱敏） (disbursements of a campaign, newest first; recipients masked by role)',
      params: CampaignParams,
      querystring: Type.Object({ ...PageQuery.properties, aidKind: Type.Optional(AidKindSchema) }, { additionalProperties: false }),
      response: { 200: pageSchema(DisbursementView), ...errorResponses },
    },
  }, async (request) => {
    const principal = principalOf(request);
    const campaign = await deps.campaigns.get(request.params.id, principal.jurisdiction);
    const page = pageOf(request.query);
    const { aidKind } = request.query;
    const { items, total } = await deps.ledger.links(campaign._id, { kind: 'DISBURSEMENT', ...(aidKind === undefined ? {} : { 'disbursement.aidKind': aidKind }) }, { skip: (page.page - 1) * page.pageSize, limit: page.pageSize, newestFirst: true });
    const clear = seesPersonalData(principal);
    const keys = recipientKeys(items);
    if (clear && keys.length > 0) await audit.record(request, { action: 'read', resource: 'campaign-disbursements', resourceId: campaign._id, personKeys: keys });
    return { items: items.map((link) => disbursementView(link, deps.keyring, clear)), page: page.page, pageSize: page.pageSize, total };
  });
}
