/**
 * The real catalog in schemas/: clean, published, generated, evolvable, and every fixture
 * round-trips through the JSON form and the codec. These run in `./mz test`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { staleGeneratedFiles } from './codegen/generate.js';
import { decodeEvent, encodeEvent } from './codec.js';
import { CATALOG } from './generated/catalog.js';
import { EVENT_TYPES } from './generated/types.js';
import { fromJsonForm, toJsonForm } from './json-form.js';
import { ContractRegistry } from './registry.js';
import { compatibilityProblems } from './schema-files/compatibility.js';
import { readSchemaTree } from './schema-files/tree.js';
import { REAL_SCHEMAS_DIR } from './test-support/temp-tree.js';

const tree = readSchemaTree(REAL_SCHEMAS_DIR);
const registry = new ContractRegistry(CATALOG);
const packageDir = fileURLToPath(new URL('..', import.meta.url));

describe('the schemas/ catalog', () => {
  it('follows every convention of schemas/README.md', () => {
    expect(tree.problems).toEqual([]);
  });

  it('has its generated types and catalog up to date (./mz --filter @minzheng/contracts run generate)', () => {
    expect(staleGeneratedFiles(tree, packageDir)).toEqual([]);
  });

  it('has every event schema published (./mz --filter @minzheng/contracts run schemas:publish)', () => {
    const unpublished = tree.events.filter((event) => !event.published.some((version) => version.fingerprint === event.fingerprint));
    expect(unpublished.map((event) => event.eventType)).toEqual([]);
  });

  it('lets every current schema read every published version (evolution check)', () => {
    const problems = tree.events.flatMap((event) => compatibilityProblems(event.schema, event.published).map((problem) => `${event.eventType}: ${problem}`));
    expect(problems).toEqual([]);
  });

  it('covers the departments and events the platform needs', () => {
    const required = [
      'assistance.application-submitted', 'assistance.application-decided', 'assistance.enrolment-started', 'assistance.enrolment-changed',
      'assistance.enrolment-ended', 'assistance.payment-issued', 'assistance.household-composition-recorded', 'assistance.economic-check-completed',
      'elderly-care.elder-registered', 'elderly-care.advanced-age-allowance-granted', 'elderly-care.ability-assessment-completed',
      'elderly-care.service-delivered', 'elderly-care.emergency-call-triggered', 'elderly-care.vital-sign-alarm-raised',
      'elderly-care.device-went-offline', 'elderly-care.visit-recorded', 'child-protection.child-registered',
      'child-protection.guardianship-changed', 'child-protection.mandatory-report-received', 'child-protection.child-director-visit-recorded',
      'child-protection.allowance-paid', 'charity.donation-received', 'charity.campaign-opened', 'charity.campaign-closed',
      'charity.aid-disbursed', 'charity.micro-wish-created', 'charity.micro-wish-fulfilled', 'public-security.birth-registered',
      'public-security.death-registered', 'public-security.hukou-moved', 'medical-insurance.medical-settlement-completed',
      'disabled-persons-federation.disability-certified', 'human-resources.unemployment-registered', 'human-resources.unemployment-ended',
      'education.student-enrolled', 'housing.house-safety-surveyed', 'water.meter-reading-recorded', 'water.meter-anomaly-detected',
      'hotline-12345.incident-reported', 'emergency-management.disaster-declared', 'reference.standard-changed',
      'data-sharing.flag-raised', 'data-sharing.flag-updated', 'data-sharing.flag-closed', 'alerting.alert-delivered',
      'alerting.alert-acknowledged', 'alerting.alert-outcome-recorded',
    ];
    expect(EVENT_TYPES).toEqual(expect.arrayContaining(required));
  });

  it('encrypts the ID number of every person reference', () => {
    for (const event of registry.eventTypes.map((eventType) => registry.event(eventType))) {
      expect(event.piiPaths, event.eventType).toContain('envelope.person.idNumber');
    }
  });
});

describe.each(tree.events.map((event) => event.eventType))('fixture of %s', (eventType) => {
  const file = join(REAL_SCHEMAS_DIR, 'fixtures', `${eventType}.json`);

  it('exists, validates, and round-trips JSON form -> Avro -> JSON form', () => {
    expect(existsSync(file)).toBe(true);
    const json = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    const { value, problems } = fromJsonForm(registry.event(eventType).schema, json);
    expect(problems).toEqual([]);
    const bytes = encodeEvent(registry, eventType, value);
    const decoded = decodeEvent(registry, bytes);
    expect(decoded.eventType).toBe(eventType);
    expect(JSON.parse(JSON.stringify(toJsonForm(decoded.value)))).toEqual(json);
  });
});
