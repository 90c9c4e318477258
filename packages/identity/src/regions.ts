/**
 * Administrative regions (行政区划) of the city, as a dated reference table. Zhongshan has no
 * county level: 市 (6-digit code 442000) → 镇街 (9 digits, 442000xxx: 街道, 镇, or a 功能区 such as
 * 火炬开发区) → 村(居) (12 digits, 442000xxxyyy: 村 or 社区), after the national statistical
 * division codes (统计用区划代码).
 *
 * Units come and go (in 2021: 东升镇 merged into 小榄镇, 民众 and 南朗 became 街道, 10 new
 * communities), so every lookup takes the date it is about, and every unit version has `validFrom`
 * and, once it has ended, `validTo`. A record from before a change is checked against the units
 * of its own date, not of today.
 *
 * Jurisdictions are code prefixes: a caseworker of town 442000100 sees 442000100xxx (`isWithin`).
 *
 * The 镇街 are real (to be checked against the official list); the 村(居) are SYNTHETIC demo data.
 * `./regions-data/zhongshan.ts` says which fact comes from where.
 */
import { isIsoDate, parseIsoDate } from './dates.js';
import { IdentityError } from './errors.js';
import { ZHONGSHAN_CITY_CODE, ZHONGSHAN_REGION_UNITS } from './regions-data/zhongshan.js';

export { ZHONGSHAN_CITY_CODE };

/** `city` (市, 6 digits), `town` (镇街, 9 digits), `village` (村(居), 12 digits). */
export type RegionLevel = 'city' | 'town' | 'village';
export type CityKind = '地级市';
/** 功能区: a development zone administered at 镇街 level (火炬开发区). */
export type TownKind = '街道' | '镇' | '功能区';
export type VillageKind = '村' | '社区';

interface RegionUnitFields {
  /** 6, 9 or 12 digits by level; the code of a unit starts with its parent's code. */
  readonly code: string;
  /** Chinese name, e.g. `小榄镇`. */
  readonly name: string;
  /** The unit above: the province (`440000`, not in the table) for the city, else the city or the 镇街. */
  readonly parentCode: string;
  /** First day this version is in effect, `YYYY-MM-DD`. */
  readonly validFrom: string;
  /** First day it is no longer in effect (exclusive), `YYYY-MM-DD`; absent while it still is. */
  readonly validTo?: string;
  /** The code of the unit this one continues under a new code (a 村(居) of a merged town). */
  readonly formerCode?: string;
  /** Other names the unit goes by, e.g. `中山港街道` for 火炬开发区. */
  readonly aliases?: readonly string[];
}

export interface CityUnit extends RegionUnitFields {
  readonly level: 'city';
  readonly kind: CityKind;
}

export interface TownUnit extends RegionUnitFields {
  readonly level: 'town';
  readonly kind: TownKind;
}

export interface VillageUnit extends RegionUnitFields {
  readonly level: 'village';
  readonly kind: VillageKind;
}

/**
 * One version of a unit, in effect from `validFrom` up to but not including `validTo`. A code may
 * have several versions that do not overlap (民众镇 until 2021-07-19, 民众街道 from then on).
 */
export type RegionUnit = CityUnit | TownUnit | VillageUnit;

/** Lookups in one region table. Function properties: they do not use `this`. */
export interface RegionTable {
  /** First date the table has data for. */
  readonly from: string;
  /** The unit version in effect on `date`, or `undefined` (also for a malformed code). `DATE_INVALID` for a bad date. */
  readonly regionOn: (code: string, date: string) => RegionUnit | undefined;
  /** The unit version in effect on `date`; `REGION_FORMAT`, `REGION_UNKNOWN` or `DATE_INVALID` otherwise. */
  readonly requireRegion: (code: string, date: string, field?: string) => RegionUnit;
  /** The units directly below `code` on `date`, by code; `code` itself must be in effect then. */
  readonly childrenOf: (code: string, date: string) => readonly RegionUnit[];
  /** The 镇街 of a city on `date`, by code. */
  readonly townsOf: (cityCode: string, date: string) => readonly TownUnit[];
}

const CODE_PATTERN = /^(?:\d{6}|\d{9}|\d{12})$/u;
const CITY_CODE_PATTERN = /^\d{6}$/u;
const PROVINCE_CODE_PATTERN = /^\d{2}0000$/u;
const FORMAT_RULE = 'must be 6 (city), 9 (town) or 12 (village/community) ASCII digits';
const LEVEL_NAMES: Readonly<Record<RegionLevel, { readonly chinese: string; readonly english: string }>> = {
  city: { chinese: '市', english: 'city' },
  town: { chinese: '镇街', english: 'town' },
  village: { chinese: '村（居）', english: 'village/community' },
};

/**
 * A table over `units`, checked first: codes fit their level and start with the parent's code,
 * dates are real and ordered, versions of one code do not overlap, every 镇街 and 村(居) has its
 * parent in effect for as long as it is, and every `formerCode` ended the day its successor
 * began. A table that fails is a bug in the data: plain `TypeError`, not a coded error.
 */
export function createRegionTable(units: readonly RegionUnit[]): RegionTable {
  const frozen = units.map(freezeUnit);
  const byCode = groupBy(frozen, (unit) => unit.code);
  const byParent = groupBy(frozen, (unit) => unit.parentCode);
  for (const versions of byCode.values()) versions.sort((a, b) => compareText(a.validFrom, b.validFrom));
  for (const children of byParent.values()) {
    children.sort((a, b) => compareText(a.code, b.code) || compareText(a.validFrom, b.validFrom));
  }
  checkTable(frozen, byCode);
  const from = frozen.map((unit) => unit.validFrom).reduce((earliest, date) => (date < earliest ? date : earliest), '9999-12-31');

  const regionOn = (code: string, date: string): RegionUnit | undefined => {
    parseIsoDate(date, 'date');
    return byCode.get(code)?.find((unit) => inEffect(unit, date));
  };

  const requireRegion = (code: string, date: string, field?: string): RegionUnit => {
    const level = levelOf(code);
    if (level === undefined) {
      throw formatError(`${FORMAT_RULE} (got ${Array.from(code).length} characters)`, field);
    }
    parseIsoDate(date, 'date');
    const padding = paddingRule(code, level);
    if (padding !== undefined) {
      throw unknownError('区划代码层级错误', padding, field);
    }
    if (date < from) {
      throw unknownError('区划表不含该日期', `the date must not be before ${from}: the region table has no data before then`, field);
    }
    const versions = byCode.get(code) ?? [];
    const unit = versions.find((version) => inEffect(version, date));
    if (unit !== undefined) return unit;
    const { chinese, english } = LEVEL_NAMES[level];
    if (versions.length === 0) {
      throw unknownError(`${chinese}代码不在区划表中`, `must be a ${english} code in the region table (it is not there on any date)`, field);
    }
    const periods = versions.map((version) => periodText(version)).join('; ');
    throw unknownError(`${chinese}代码在该日期未生效或已撤销`, `must be in effect on ${date} (this code is in effect ${periods})`, field);
  };

  const childrenOf = (code: string, date: string): readonly RegionUnit[] => {
    requireRegion(code, date, 'code');
    return Object.freeze((byParent.get(code) ?? []).filter((unit) => inEffect(unit, date)));
  };

  const townsOf = (cityCode: string, date: string): readonly TownUnit[] => {
    if (!CITY_CODE_PATTERN.test(cityCode)) {
      throw formatError(`must be a 6-digit city code (got ${Array.from(cityCode).length} characters)`, 'cityCode');
    }
    requireRegion(cityCode, date, 'cityCode');
    return Object.freeze((byParent.get(cityCode) ?? []).filter((unit): unit is TownUnit => isTown(unit) && inEffect(unit, date)));
  };

  return Object.freeze({ from, regionOn, requireRegion, childrenOf, townsOf });
}

/** The table of 中山市 (Zhongshan): real 镇街, SYNTHETIC demo 村(居). */
export const zhongshanRegions: RegionTable = createRegionTable(ZHONGSHAN_REGION_UNITS);

/**
 * The version of the unit `code` in effect on `date` (`YYYY-MM-DD`), or `undefined`: not in the
 * table, not in effect on that date, or not a well-formed code. Throws `DATE_INVALID` for a date
 * that is not real, since no answer about it would mean anything.
 */
export function regionOn(code: string, date: string): RegionUnit | undefined {
  return zhongshanRegions.regionOn(code, date);
}

/**
 * Like `regionOn`, but throws instead of returning `undefined`: `REGION_FORMAT` when `code` is not
 * 6, 9 or 12 ASCII digits; `DATE_INVALID` for a date that is not real; `REGION_UNKNOWN` when a
 * well-formed code names no unit on `date` — a code padded with zeros to a longer level, a date
 * before the table starts, a code that is not in the table at all, or one that is not in effect
 * on that date (the rule then says when it is). `field` names the argument or input field in
 * `details.field`. Messages never repeat the code.
 */
export function requireRegion(code: string, date: string, field?: string): RegionUnit {
  return zhongshanRegions.requireRegion(code, date, field);
}

/**
 * The units directly below `code` on `date` (镇街 of the city, 村(居) of a 镇街; none for a 村(居)),
 * ordered by code. `code` must be in effect on `date` (errors as `requireRegion`, field `code`).
 */
export function childrenOf(code: string, date: string): readonly RegionUnit[] {
  return zhongshanRegions.childrenOf(code, date);
}

/**
 * The 镇街 of the city `cityCode` on `date`, by code: 24 before 2021-07-19, 23 from then on.
 * `REGION_FORMAT` (field `cityCode`) unless `cityCode` has 6 digits; otherwise as `requireRegion`.
 */
export function townsOf(cityCode: string, date: string): readonly TownUnit[] {
  return zhongshanRegions.townsOf(cityCode, date);
}

/**
 * True when the unit `code` lies within the jurisdiction `jurisdictionPrefix` — a city, 镇街 or
 * 村(居) code; a unit is within itself. Codes nest, so this is a prefix test and needs no table
 * or date. Both arguments must be 6, 9 or 12 ASCII digits (`REGION_FORMAT`, naming `code` or
 * `jurisdictionPrefix`), so an empty or truncated jurisdiction never grants everything.
 */
export function isWithin(code: string, jurisdictionPrefix: string): boolean {
  if (!CODE_PATTERN.test(jurisdictionPrefix)) {
    throw formatError(`${FORMAT_RULE} (got ${Array.from(jurisdictionPrefix).length} characters)`, 'jurisdictionPrefix');
  }
  if (!CODE_PATTERN.test(code)) {
    throw formatError(`${FORMAT_RULE} (got ${Array.from(code).length} characters)`, 'code');
  }
  return code.startsWith(jurisdictionPrefix);
}

function levelOf(code: string): RegionLevel | undefined {
  if (!CODE_PATTERN.test(code)) return undefined;
  if (code.length === 6) return 'city';
  return code.length === 9 ? 'town' : 'village';
}

/** The rule broken by a code that is a shorter level's code padded with zeros, if it is one. */
function paddingRule(code: string, level: RegionLevel): string | undefined {
  if (level === 'village' && code.endsWith('000000')) {
    return 'must not end in 000000: that is a city code padded to 12 digits (use its first 6 digits)';
  }
  if (level === 'village' && code.endsWith('000')) {
    return 'must not end in 000: that is a town code padded to 12 digits (use its first 9 digits)';
  }
  if (level === 'town' && code.endsWith('000')) {
    return 'must not end in 000: that is a city code padded to 9 digits (use its first 6 digits)';
  }
  if (level === 'city' && code.endsWith('0000')) {
    return 'must not end in 0000: that is a province, and the region table starts at city level';
  }
  return undefined;
}

function inEffect(unit: RegionUnit, date: string): boolean {
  return unit.validFrom <= date && (unit.validTo === undefined || date < unit.validTo);
}

function periodText(unit: RegionUnit): string {
  return unit.validTo === undefined ? `from ${unit.validFrom}` : `from ${unit.validFrom} until ${unit.validTo}, exclusive`;
}

function isTown(unit: RegionUnit): unit is TownUnit {
  return unit.level === 'town';
}

function formatError(rule: string, field: string | undefined): IdentityError {
  return new IdentityError('REGION_FORMAT', `区划代码格式错误 (${field ?? 'code'} ${rule})`, withField({ rule }, field));
}

function unknownError(chinese: string, rule: string, field: string | undefined): IdentityError {
  return new IdentityError('REGION_UNKNOWN', `${chinese} (${rule})`, withField({ rule }, field));
}

function withField(details: { rule: string }, field: string | undefined): { rule: string; field?: string } {
  return field === undefined ? details : { field, ...details };
}

function compareText(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

function groupBy(units: readonly RegionUnit[], key: (unit: RegionUnit) => string): Map<string, RegionUnit[]> {
  const groups = new Map<string, RegionUnit[]>();
  for (const unit of units) {
    const group = groups.get(key(unit));
    if (group === undefined) groups.set(key(unit), [unit]);
    else group.push(unit);
  }
  return groups;
}

function freezeUnit(unit: RegionUnit): RegionUnit {
  return Object.freeze({ ...unit, ...(unit.aliases === undefined ? {} : { aliases: Object.freeze([...unit.aliases]) }) });
}

/** Throws a `TypeError` describing the first inconsistency in the table. */
function checkTable(units: readonly RegionUnit[], byCode: ReadonlyMap<string, readonly RegionUnit[]>): void {
  if (units.length === 0) {
    throw new TypeError('invalid region table: it has no units');
  }
  for (const unit of units) {
    const where = `invalid region table: ${unit.code} from ${unit.validFrom}`;
    if (levelOf(unit.code) !== unit.level || paddingRule(unit.code, unit.level) !== undefined) {
      throw new TypeError(`${where}: the code is not a well-formed ${unit.level} code`);
    }
    if (unit.name.trim() === '') {
      throw new TypeError(`${where}: the name is empty`);
    }
    if (!isIsoDate(unit.validFrom) || (unit.validTo !== undefined && !isIsoDate(unit.validTo))) {
      throw new TypeError(`${where}: validFrom and validTo must be real YYYY-MM-DD dates`);
    }
    if (unit.validTo !== undefined && unit.validTo <= unit.validFrom) {
      throw new TypeError(`${where}: validTo must be after validFrom`);
    }
    checkParent(unit, byCode, where);
    checkFormerCode(unit, byCode, where);
  }
  for (const [code, versions] of byCode) {
    versions.forEach((version, index) => {
      const next = versions[index + 1];
      if (next !== undefined && (version.validTo === undefined || version.validTo > next.validFrom)) {
        throw new TypeError(`invalid region table: ${code} has overlapping versions from ${version.validFrom} and ${next.validFrom}`);
      }
    });
  }
}

function checkParent(unit: RegionUnit, byCode: ReadonlyMap<string, readonly RegionUnit[]>, where: string): void {
  if (unit.level === 'city') {
    if (!PROVINCE_CODE_PATTERN.test(unit.parentCode) || unit.parentCode.slice(0, 2) !== unit.code.slice(0, 2)) {
      throw new TypeError(`${where}: the parent of a city must be its province (${unit.code.slice(0, 2)}0000)`);
    }
    return;
  }
  const expectedParent = unit.code.slice(0, unit.level === 'town' ? 6 : 9);
  if (unit.parentCode !== expectedParent) {
    throw new TypeError(`${where}: parentCode must be ${expectedParent}, the start of its code`);
  }
  // The parent's coverage only changes where one of its versions ends, so checking the start of
  // the unit and every such end inside the unit's period covers the whole period.
  const parents = byCode.get(unit.parentCode) ?? [];
  const checkpoints = [
    unit.validFrom,
    ...parents.flatMap((parent) =>
      parent.validTo !== undefined && parent.validTo > unit.validFrom && (unit.validTo === undefined || parent.validTo < unit.validTo)
        ? [parent.validTo]
        : [],
    ),
  ];
  const gap = checkpoints.find((date) => !parents.some((parent) => inEffect(parent, date)));
  if (gap !== undefined) {
    throw new TypeError(`${where}: its parent ${unit.parentCode} is not in effect on ${gap}`);
  }
}

function checkFormerCode(unit: RegionUnit, byCode: ReadonlyMap<string, readonly RegionUnit[]>, where: string): void {
  if (unit.formerCode === undefined) return;
  const former = byCode.get(unit.formerCode) ?? [];
  if (!former.some((version) => version.validTo === unit.validFrom)) {
    throw new TypeError(`${where}: formerCode ${unit.formerCode} must have a version that ends on ${unit.validFrom}`);
  }
}
