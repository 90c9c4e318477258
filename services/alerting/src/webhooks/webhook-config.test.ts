/** MZ_WEBHOOKS: every rule refuses with WEBHOOK_CONFIG_INVALID naming the field, and no message repeats a secret. */
import { randomBytes } from 'node:crypto';
import { ServiceError } from '@minzheng/service-kit/errors';
import { parseConfig } from '@minzheng/service-kit/config';
import { describe, expect, it } from 'vitest';
import { endpointMatches, parseWebhooks, publicEndpoint, webhooksVariable, type WebhookConfigProblem } from './webhook-config.js';

const secret = randomBytes(32).toString('base64');
const endpoint = (overrides: Record<string, unknown> = {}) => ({ id: 'sms-gateway', url: 'https://sms.example.gov.cn/hooks/mz', keyId: 'sms-2026', secret, ...overrides });

/** The problems `parseWebhooks` reports for `value` (failing the test if it accepts it). */
function problemsOf(value: unknown): WebhookConfigProblem[] {
  const raw = typeof value === 'string' ? value : JSON.stringify(value);
  try {
    parseWebhooks(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(ServiceError);
    const coded = error as ServiceError;
    expect(coded.code).toBe('WEBHOOK_CONFIG_INVALID');
    const problems = (coded.details as { problems: WebhookConfigProblem[] }).problems;
    for (const problem of problems) expect(coded.message).toContain(`${problem.path || '/'} ${problem.rule}`);
    return problems;
  }
  throw new Error(`accepted: ${raw}`);
}

describe('parseWebhooks', () => {
  it('parses endpoints; absent filters are null (everything), present ones kept', () => {
    const [all, some] = parseWebhooks(JSON.stringify([endpoint(), endpoint({ id: 'hotline-12345', url: 'http://10.0.0.5:8080/mz', keyId: 'h1', urgencies: ['P1'], ruleIds: ['R_A'], events: ['ALERT_ESCALATED'] })]));
    expect(publicEndpoint(all!)).toEqual({ id: 'sms-gateway', url: 'https://sms.example.gov.cn/hooks/mz', keyId: 'sms-2026', urgencies: null, ruleIds: null, events: null });
    expect(publicEndpoint(some!)).toEqual({ id: 'hotline-12345', url: 'http://10.0.0.5:8080/mz', keyId: 'h1', urgencies: ['P1'], ruleIds: ['R_A'], events: ['ALERT_ESCALATED'] });
    expect(Buffer.from(all!.secret).toString('base64')).toBe(secret);
    expect(parseWebhooks('[]')).toEqual([]);
  });

  it('keeps the secret out of JSON, spreads and object keys', () => {
    const [parsed] = parseWebhooks(JSON.stringify([endpoint()]));
    expect(JSON.stringify(parsed)).not.toContain('secret');
    expect(Object.keys({ ...parsed })).not.toContain('secret');
    expect(parsed!.secret).toHaveLength(32);
  });

  it('matches a notification only when every filter the endpoint has allows it', () => {
    const [filtered] = parseWebhooks(JSON.stringify([endpoint({ urgencies: ['P1', 'P2'], ruleIds: ['R_A'], events: ['ALERT_DELIVERED'] })]));
    expect(endpointMatches(filtered!, { kind: 'ALERT_DELIVERED', urgency: 'P2', ruleId: 'R_A' })).toBe(true);
    expect(endpointMatches(filtered!, { kind: 'ALERT_RESOLVED', urgency: 'P2', ruleId: 'R_A' })).toBe(false);
    expect(endpointMatches(filtered!, { kind: 'ALERT_DELIVERED', urgency: 'P3', ruleId: 'R_A' })).toBe(false);
    expect(endpointMatches(filtered!, { kind: 'ALERT_DELIVERED', urgency: 'P1', ruleId: 'R_B' })).toBe(false);
  });

  it('refuses text that is not JSON, without quoting it', () => {
    const problems = problemsOf(`[{"secret": "${secret}" oops}]`);
    expect(problems).toEqual([{ path: '', rule: expect.stringMatching(/^must be JSON/u) as unknown }]);
    expect(JSON.stringify(problems)).not.toContain(secret);
  });

  it('refuses a value that is not an array', () => {
    expect(problemsOf(endpoint())).toEqual([{ path: '', rule: 'must be array' }]);
  });

  it('refuses missing required fields, naming them', () => {
    expect(problemsOf([{}])).toEqual([{ path: '/0', rule: 'must have required properties id, url, keyId, secret' }]);
  });

  it('refuses unknown fields, naming them', () => {
    expect(problemsOf([endpoint({ token: 'x', headers: {} })])).toEqual([{ path: '/0', rule: 'must not have additional properties (token, headers)' }]);
  });

  it('refuses a bad id, key id and rule id with the rule in words', () => {
    expect(problemsOf([endpoint({ id: 'sms|gateway', keyId: 'key id', ruleIds: ['r-a'] })])).toEqual([
      { path: '/0/id', rule: 'must be 1-64 letters, digits, _ . - (starting with a letter or digit)' },
      { path: '/0/keyId', rule: 'must be 1-64 letters, digits, _ . -' },
      { path: '/0/ruleIds/0', rule: 'must be a rule id (upper case letters, digits, _)' },
    ]);
  });

  it('refuses fields of the wrong type', () => {
    expect(problemsOf([endpoint({ id: 7, secret: null })])).toEqual([
      { path: '/0/id', rule: 'must be string' },
      { path: '/0/secret', rule: 'must be string' },
    ]);
  });

  it('refuses a URL that is not http or https, does not parse, or carries credentials', () => {
    expect(problemsOf([endpoint({ url: 'ftp://sms.example.gov.cn/' })])).toEqual([{ path: '/0/url', rule: 'must be an http:// or https:// URL' }]);
    expect(problemsOf([endpoint({ url: 'https://exa mple.gov.cn/' })])).toEqual([{ path: '/0/url', rule: 'must be a valid http or https URL' }]);
    expect(problemsOf([endpoint({ url: 'https://user:pw@sms.example.gov.cn/' })])).toEqual([{ path: '/0/url', rule: expect.stringMatching(/^must not carry credentials/u) as unknown }]);
  });

  it('refuses a secret that is not base64, or shorter than 32 bytes, never repeating it', () => {
    const notBase64 = `${secret.slice(0, -4)}!!!!`;
    const short = randomBytes(31).toString('base64');
    const problems = problemsOf([endpoint({ secret: notBase64 }), endpoint({ id: 'b', secret: short }), endpoint({ id: 'c', secret: '' })]);
    expect(problems).toEqual([{ path: '/2/secret', rule: 'must not have fewer than 1 characters' }]);
    expect(problemsOf([endpoint({ secret: notBase64 }), endpoint({ id: 'b', secret: short })])).toEqual([
      { path: '/0/secret', rule: 'must be base64 (A-Z a-z 0-9 + /, padded with =)' },
      { path: '/1/secret', rule: 'must decode to at least 32 bytes' },
    ]);
    try {
      parseWebhooks(JSON.stringify([endpoint({ secret: short })]));
    } catch (error) {
      expect(JSON.stringify({ message: (error as Error).message, details: (error as ServiceError).details })).not.toContain(short);
    }
  });

  it('refuses unknown, empty or repeated filter values', () => {
    expect(problemsOf([endpoint({ urgencies: ['P5'], events: ['ALERT_ACKNOWLEDGED'] })])).toEqual([
      { path: '/0/urgencies/0', rule: 'must be equal to one of the allowed values (P1, P2, P3, P4)' },
      { path: '/0/events/0', rule: 'must be equal to one of the allowed values (ALERT_DELIVERED, ALERT_ESCALATED, ALERT_RESOLVED)' },
    ]);
    expect(problemsOf([endpoint({ urgencies: [], ruleIds: ['R_A', 'R_A'] })])).toEqual([
      { path: '/0/urgencies', rule: 'must not have fewer than 1 items' },
      { path: '/0/ruleIds', rule: 'must not have duplicate items' },
    ]);
  });

  it('refuses ids used twice, naming both places', () => {
    expect(problemsOf([endpoint(), endpoint({ keyId: 'other' }), endpoint({ id: 'x' })])).toEqual([{ path: '/1/id', rule: 'must be unique (sms-gateway is also /0/id)' }]);
  });

  it('reports every problem of every endpoint at once', () => {
    const problems = problemsOf([endpoint({ url: 'mailto:a@b' }), endpoint({ id: 'b', keyId: '', events: [] })]);
    expect(problems.map((problem) => problem.path)).toEqual(['/0/url', '/1/keyId', '/1/events']);
  });
});

describe('webhooksVariable (MZ_WEBHOOKS in a config spec)', () => {
  it('is optional (no webhooks), secret, and reports a bad value under the variable without the secret', () => {
    expect(webhooksVariable.secret).toBe(true);
    expect(parseConfig({ MZ_WEBHOOKS: webhooksVariable }, {}).MZ_WEBHOOKS).toEqual([]);
    expect(parseConfig({ MZ_WEBHOOKS: webhooksVariable }, { MZ_WEBHOOKS: JSON.stringify([endpoint()]) }).MZ_WEBHOOKS).toHaveLength(1);
    const short = randomBytes(16).toString('base64');
    let message = '';
    try {
      parseConfig({ MZ_WEBHOOKS: webhooksVariable }, { MZ_WEBHOOKS: JSON.stringify([endpoint({ secret: short })]) });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('MZ_WEBHOOKS');
    expect(message).toContain('/0/secret must decode to at least 32 bytes');
    expect(message).not.toContain(short);
  });
});
