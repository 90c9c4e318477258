/** Requests the integration tests share: a registered organisation and an open campaign. */
import type { TestService } from './service.js';

/** A valid credit code of a 民政-registered foundation (53), region 442000, with its check character. */
export const ORGANISER = '53442000MJL0000018';

export async function bearer(service: TestService, roles: Parameters<TestService['token']>[0], jurisdiction = '442000', subject = 'u-1'): Promise<{ authorization: string }> {
  return { authorization: `Bearer ${await service.token(roles, jurisdiction, subject)}` };
}

export async function registerOrganiser(service: TestService, creditCode = ORGANISER): Promise<void> {
  const response = await service.app.inject({
    method: 'POST',
    url: '/organisations',
    headers: await bearer(service, ['admin']),
    payload: { creditCode, name: '中山市慈善总会', form: 'SOCIAL_GROUP', regionCode: '442000', publicFundraising: true },
  });
  if (response.statusCode !== 201 && response.statusCode !== 409) throw new Error(`organiser: ${response.body}`);
}

export async function openCampaign(service: TestService, overrides: Record<string, unknown> = {}): Promise<string> {
  await registerOrganiser(service);
  const response = await service.app.inject({
    method: 'POST',
    url: '/campaigns',
    headers: await bearer(service, ['supervisor']),
    payload: { title: '大病困难帮扶基金', kind: 'MAJOR_ILLNESS', fundName: '大病困难帮扶中心', organiserId: ORGANISER, regionCode: '442000', ...overrides },
  });
  if (response.statusCode !== 201) throw new Error(`campaign: ${response.body}`);
  return response.json<{ id: string }>().id;
}

export async function donate(service: TestService, campaignId: string, amountFen: number, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  return service.app.inject({
    method: 'POST',
    url: `/campaigns/${campaignId}/donations`,
    headers: { ...(await bearer(service, ['caseworker'])), ...headers },
    payload: { donorKind: 'ANONYMOUS', donationForm: 'CASH', amountFen, channel: 'ON_SITE', ...extra },
  });
}

export async function disburse(service: TestService, campaignId: string, payload: Record<string, unknown>, headers: Record<string, string> = {}) {
  return service.app.inject({
    method: 'POST',
    url: `/campaigns/${campaignId}/disbursements`,
    headers: { ...(await bearer(service, ['supervisor'], '442000', 'approver-1')), ...headers },
    payload: payload as object,
  });
}
