/**
 * The scenario stream: a day of department events on top of the loaded city — applications,
 * payments, hospital settlements, deaths, device alarms, water-meter silences, visits, donations —
 * including the situations each detection rule must catch (and some it must not).
 */
import type { LoadContext } from '../load/context.js';

/** One situation of the scenario and what the platform should make of it. */
export interface ScenarioCase {
  readonly id: string;
  /** The department whose event(s) make the case. */
  readonly department: string;
  readonly description: string;
  /** The rule expected to raise (or, when `expectFlag` is false, not to raise) a flag. */
  readonly ruleId: string;
  readonly expectFlag: boolean;
  /** The flag's subject: a person key (pseudonym) or a household id. */
  readonly subjectKey: string;
  /** Where the alert should go (the routing table's role), when a flag is expected. */
  readonly expectRole?: string;
  /** A phrase the flag's explanation contains, when a flag is expected. */
  readonly explanationContains?: string;
}

export interface ScenarioReport {
  readonly events: number;
  readonly cases: readonly ScenarioCase[];
}

export type ScenarioStep = (context: LoadContext) => Promise<ScenarioReport>;

/** The scenario's steps, one per department, in the order of the day. */
export const SCENARIO_STEPS: readonly { readonly department: string; readonly play: ScenarioStep }[] = [];

export async function playScenario(context: LoadContext): Promise<ScenarioReport> {
  let events = 0;
  const cases: ScenarioCase[] = [];
  for (const step of SCENARIO_STEPS) {
    const report = await step.play(context);
    events += report.events;
    cases.push(...report.cases);
  }
  return { events, cases };
}
