/**
 * The routing table (路由表): configuration, versioned, validated on load. It says who receives an
 * alert — the role for a (rule or flag code, urgency, region), and the named caseworker where one is
 * assigned (the staff directory: who works where, in which role) — how long each urgency may wait
 * for an acknowledgement and for an outcome, and to whom an overdue alert escalates.
 *
 * The deadlines are an ASSUMPTION of ours (DOMAIN.md §5: the seeds give no response times; §8:
 * "P1 minutes, P2 24 hours, P3 about a week, P4 monthly"): configurable, marked as parameters.
 *
 * A table that does not validate is refused as a whole with every problem named (`ROUTING_INVALID`):
 * the service does not start on it, and `PUT /routing` keeps the table in force.
 */
import type { Urgency, WorkerRole } from '@minzheng/contracts';
import { Type, type Static } from 'typebox';
import { Value } from 'typebox/value';

export const WORKER_ROLES = ['SOCIAL_WORKER', 'CHILD_DIRECTOR', 'CHILD_SUPERVISOR', 'GRID_WORKER', 'VILLAGE_CADRE', 'PARTY_CADRE', 'CIVIL_AFFAIRS_ASSISTANT', 'CARE_WORKER', 'VOLUNTEER', 'TOWN_ASSISTANCE_OFFICE', 'MINORS_PROTECTION_STATION', 'ELDERLY_DISPATCH_CENTRE', 'HELP_CENTRE', 'SUPERVISOR', 'AUDITOR', 'OTHER'] as const satisfies readonly WorkerRole[];
export const URGENCIES = ['P1', 'P2', 'P3', 'P4'] as const satisfies readonly Urgency[];

const RoleSchema = Type.Enum(WORKER_ROLES, { description: '工作人员角色 (mz.common.WorkerRole)' });
const UrgencySchema = Type.Enum(URGENCIES);
/** A region code prefix: 6 (city/county), 9 (镇街) or 12 (村居) digits. */
const RegionSchema = Type.String({ pattern: '^\\d{6}(\\d{3}(\\d{3})?)?$', description: '区划代码前缀 (6, 9 or 12 digits)' });
const Seconds = Type.Integer({ minimum: 1, maximum: 366 * 24 * 3600, description: 'seconds' });

const DeadlineSchema = Type.Object({ ackSeconds: Seconds, resolveSeconds: Seconds }, { additionalProperties: false });

export const RoutingTableSchema = Type.Object(
  {
    version: Type.String({ minLength: 1, maxLength: 64, description: '路由表版本 (recorded on every alert routed by it)' }),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    deadlines: Type.Object({ P1: DeadlineSchema, P2: DeadlineSchema, P3: DeadlineSchema, P4: DeadlineSchema }, { additionalProperties: false, description: '签收/办结时限 per urgency (ASSUMPTION: configurable)' }),
    routes: Type.Array(
      Type.Object(
        {
          match: Type.Object(
            {
              ruleId: Type.Optional(Type.String({ pattern: '^[A-Z][A-Z0-9_]*$' })),
              flagCode: Type.Optional(Type.String({ pattern: '^[A-Z][A-Z0-9_]*$' })),
              urgency: Type.Optional(Type.Array(UrgencySchema, { minItems: 1, uniqueItems: true })),
              regionPrefix: Type.Optional(RegionSchema),
            },
            { additionalProperties: false },
          ),
          role: RoleSchema,
          caseworkerId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
        },
        { additionalProperties: false },
      ),
      { description: '路由规则, first match wins; no match: the role the flag names (targetRole)' },
    ),
    escalation: Type.Object(
      {
        default: RoleSchema,
        byRole: Type.Optional(Type.Record(Type.String(), RoleSchema)),
        maxLevel: Type.Integer({ minimum: 1, maximum: 10, description: '最多升级次数 (after it, an overdue alert stays with the last supervisor)' }),
      },
      { additionalProperties: false },
    ),
    staff: Type.Array(
      Type.Object(
        {
          id: Type.String({ minLength: 1, maxLength: 64, description: '工作人员编号 = the subject of their token' }),
          name: Type.String({ minLength: 1, maxLength: 50 }),
          role: RoleSchema,
          regionCode: RegionSchema,
        },
        { additionalProperties: false },
      ),
      { description: '工作人员名册: who works where, in which role' },
    ),
  },
  { additionalProperties: false },
);

export type RoutingTableInput = Static<typeof RoutingTableSchema>;
export type StaffMember = RoutingTableInput['staff'][number];

export interface RoutingProblem {
  readonly path: string;
  readonly rule: string;
}

export class RoutingTableError extends Error {
  readonly code = 'ROUTING_INVALID';

  constructor(readonly problems: readonly RoutingProblem[]) {
    super(`路由表无效 (routing table invalid): ${problems.map((problem) => `${problem.path || '/'} ${problem.rule}`).join('; ')}`);
    this.name = 'RoutingTableError';
  }
}

/** What an alert is routed by (from the flag event). */
export interface RoutingInput {
  readonly ruleId: string;
  readonly flagCode: string;
  readonly urgency: Urgency;
  readonly regionCode: string;
  /** The role the rule names. */
  readonly targetRole: WorkerRole;
}

export interface Assignment {
  readonly role: WorkerRole;
  readonly caseworkerId: string | null;
}

export class RoutingTable {
  readonly version: string;
  private readonly staffById: ReadonlyMap<string, StaffMember>;

  private constructor(readonly input: RoutingTableInput) {
    this.version = input.version;
    this.staffById = new Map(input.staff.map((member) => [member.id, member]));
  }

  /** Validates `value` (the parsed JSON of a table); throws `RoutingTableError` naming every problem. */
  static parse(value: unknown): RoutingTable {
    const problems: RoutingProblem[] = [];
    const seen = new Set<string>();
    for (const error of Value.Errors(RoutingTableSchema, value)) {
      // `additionalProperties: false` reports each extra property twice; one line per path is enough.
      if (error.keyword === 'boolean') continue;
      const key = `${error.instancePath}|${error.keyword}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const params = error.params as { additionalProperties?: string[]; allowedValues?: string[] };
      const detail = params.additionalProperties !== undefined ? ` (${params.additionalProperties.join(', ')})` : params.allowedValues !== undefined ? ` (${params.allowedValues.join(', ')})` : '';
      problems.push({ path: error.instancePath, rule: `${error.message}${detail}` });
    }
    if (problems.length > 0) throw new RoutingTableError(problems);
    const input = value as RoutingTableInput;
    const ids = new Set<string>();
    input.staff.forEach((member, index) => {
      if (ids.has(member.id)) problems.push({ path: `/staff/${String(index)}/id`, rule: `must be unique (${member.id} appears twice)` });
      ids.add(member.id);
    });
    input.routes.forEach((route, index) => {
      if (Object.keys(route.match).length === 0) problems.push({ path: `/routes/${String(index)}/match`, rule: 'must name at least one of ruleId, flagCode, urgency, regionPrefix' });
      const named = route.caseworkerId === undefined ? undefined : input.staff.find((member) => member.id === route.caseworkerId);
      if (route.caseworkerId !== undefined && named === undefined) problems.push({ path: `/routes/${String(index)}/caseworkerId`, rule: `must name a member of staff (${route.caseworkerId} is not in /staff)` });
      if (named !== undefined && named.role !== route.role) problems.push({ path: `/routes/${String(index)}/caseworkerId`, rule: `must be a ${route.role} (${named.id} is a ${named.role})` });
    });
    for (const urgency of URGENCIES) {
      const deadline = input.deadlines[urgency];
      if (deadline.resolveSeconds < deadline.ackSeconds) problems.push({ path: `/deadlines/${urgency}/resolveSeconds`, rule: `must be at least ackSeconds (${String(deadline.ackSeconds)})` });
    }
    for (const role of Object.keys(input.escalation.byRole ?? {})) {
      if (!(WORKER_ROLES as readonly string[]).includes(role)) problems.push({ path: `/escalation/byRole/${role}`, rule: `must be keyed by a worker role (${WORKER_ROLES.join(', ')})` });
    }
    if (problems.length > 0) throw new RoutingTableError(problems);
    return new RoutingTable(input);
  }

  /** Parses a table from JSON text (a file, `PUT /routing`). */
  static fromJson(text: string): RoutingTable {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new RoutingTableError([{ path: '', rule: `must be JSON (${(error as Error).message})` }]);
    }
    return RoutingTable.parse(value);
  }

  staffMember(id: string): StaffMember | undefined {
    return this.staffById.get(id);
  }

  deadlines(urgency: Urgency): { readonly ackMs: number; readonly resolveMs: number } {
    const deadline = this.input.deadlines[urgency];
    return { ackMs: deadline.ackSeconds * 1000, resolveMs: deadline.resolveSeconds * 1000 };
  }

  /** Who receives an alert: the first route that matches, else the flag's role; the named caseworker where one is assigned. */
  route(input: RoutingInput): Assignment {
    const route = this.input.routes.find(({ match }) =>
      (match.ruleId === undefined || match.ruleId === input.ruleId) &&
      (match.flagCode === undefined || match.flagCode === input.flagCode) &&
      (match.urgency === undefined || match.urgency.includes(input.urgency)) &&
      (match.regionPrefix === undefined || input.regionCode.startsWith(match.regionPrefix)));
    const role = route?.role ?? input.targetRole;
    return { role, caseworkerId: route?.caseworkerId ?? this.assigned(role, input.regionCode)?.id ?? null };
  }

  /**
   * Where an overdue alert goes: the escalation role of the current one, to the member of staff
   * covering the region most closely — above the current assignee's area when escalating from a
   * supervisor (a 镇街 supervisor's overdue alert goes to the city's). Null past `maxLevel`.
   */
  escalate(current: Assignment, regionCode: string, level: number): Assignment | null {
    if (level > this.input.escalation.maxLevel) return null;
    const role = this.input.escalation.byRole?.[current.role] ?? this.input.escalation.default;
    const currentArea = current.caseworkerId === null ? undefined : this.staffById.get(current.caseworkerId)?.regionCode;
    const above = role === current.role && currentArea !== undefined ? this.assigned(role, regionCode, currentArea.length) : this.assigned(role, regionCode);
    return { role, caseworkerId: above?.id ?? (role === current.role ? current.caseworkerId : null) };
  }

  /** The member of staff in `role` whose area contains `regionCode` most closely (areas shorter than `shorterThan` only). */
  assigned(role: WorkerRole, regionCode: string, shorterThan = Number.POSITIVE_INFINITY): StaffMember | undefined {
    let best: StaffMember | undefined;
    for (const member of this.input.staff) {
      if (member.role !== role || !regionCode.startsWith(member.regionCode) || member.regionCode.length >= shorterThan) continue;
      if (best === undefined || member.regionCode.length > best.regionCode.length || (member.regionCode.length === best.regionCode.length && member.id < best.id)) best = member;
    }
    return best;
  }
}
