/**
 * The demo city (演示城市): a synthetic Zhongshan-like city, deterministic from a seed.
 *
 * - Towns and villages are the region table's (`@minzheng/identity/regions`, 23 镇街 with their
 *   村(居)) on the city's date.
 * - Households of one to six persons with relations to the head and ages that fit them (a child
 *   20-40 years younger than a parent, a spouse within a few years), each person with a valid
 *   resident ID number (region 442000, the birth date, a sequence whose parity is the sex, the GB
 *   11643 check digit) and a Chinese name.
 * - The programs' populations in the proportions of the seed figures (DOMAIN.md §7): at
 *   `FULL_CITY_PERSONS` the counts are the suggested test scale (3,116 低保 households of 6,136
 *   persons, 315 低收入 households of 702, 1,104 特困, 30,000 aged 80+, 3,000 child records, 279
 *   儿童主任 and 28 督导员); smaller cities scale them down (at least one of each).
 * - The staff directory: who works where, in which role (the alerting routing table's `staff`).
 *
 * What the seeds do not give is an ASSUMPTION, in `ASSUMPTIONS` below, named as such.
 */
import { ZHONGSHAN_CITY_CODE, childrenOf, townsOf } from '@minzheng/identity/regions';
import { residentIdCheckDigit } from '@minzheng/identity/resident-id';
import { chineseName, surnameOf } from './names.js';
import { Random } from './random.js';

/** ASSUMPTION: the seeds give no population; at this size the counts are DOMAIN §7's suggested test scale. */
export const FULL_CITY_PERSONS = 1_000_000;

/** The seed figures the city is shaped by (DOMAIN.md §7, Zhongshan 2021 unless noted), per `FULL_CITY_PERSONS`. */
export const SEED_FIGURES = {
  dibaoHouseholds: 3_116,
  dibaoPersons: 6_136,
  lowIncomeHouseholds: 315,
  lowIncomePersons: 702,
  /** 五保 (2014), 特困 today. */
  tekunPersons: 1_104,
  /** "≈3万 residents aged 80+" (高龄津贴 3万+, 2014). */
  aged80Plus: 30_000,
  /** "≈3,000 orphan and child records" (orphan files 2021). */
  childRecords: 3_000,
  childDirectors: 279,
  childSupervisors: 28,
} as const;

/** What the seeds do not give: ours to set, named as such. */
export const ASSUMPTIONS = {
  /** Shares of household sizes 1-6 among the households that are not elders' own. */
  householdSizes: [[1, 0.16], [2, 0.24], [3, 0.26], [4, 0.2], [5, 0.1], [6, 0.04]] as const,
  /** Of the 80+: living alone, with a spouse (an elder couple), with their children's family. */
  elderLiving: { alone: 0.22, couple: 0.33, family: 0.45 },
  /** Share of persons with a disability certificate (残联), and of those grade 1-2 (severe). */
  disabledShare: 0.02,
  severeDisabilityShare: 0.35,
  /** Of the child records: scattered orphans, 事实无人抚养, left-behind, in difficulty. */
  childCategories: [['SCATTERED_ORPHAN', 0.2], ['DEFACTO_UNSUPPORTED', 0.25], ['LEFT_BEHIND', 0.35], ['IN_DIFFICULTY', 0.2]] as const,
} as const;

export type Sex = 'M' | 'F';
export type Relation = 'HEAD' | 'SPOUSE' | 'CHILD' | 'PARENT' | 'GRANDCHILD';
export type HouseholdProgram = 'DIBAO' | 'LOW_INCOME';

export interface DemoPerson {
  /** The city's own id (P-0000001): the pseudonym comes from the ID number. */
  readonly personId: string;
  readonly idNumber: string;
  readonly name: string;
  readonly sex: Sex;
  readonly birthDate: string;
  readonly householdId: string;
  readonly relationToHead: Relation;
  readonly villageCode: string;
  livingTogether: boolean;
  disability: { readonly kind: 'PHYSICAL' | 'VISUAL' | 'HEARING' | 'INTELLECTUAL' | 'MENTAL'; readonly grade: 'GRADE_1' | 'GRADE_2' | 'GRADE_3' | 'GRADE_4' } | null;
  /** 特困 (person-level). */
  tekun: boolean;
  childCategory: (typeof ASSUMPTIONS.childCategories)[number][0] | null;
  livingArrangement: 'ALONE' | 'EMPTY_NEST' | 'WITH_FAMILY';
}

export interface DemoHousehold {
  readonly householdId: string;
  readonly villageCode: string;
  readonly memberIds: string[];
  program: HouseholdProgram | null;
}

export interface DemoStaff {
  readonly id: string;
  readonly name: string;
  readonly role: 'GRID_WORKER' | 'CHILD_DIRECTOR' | 'CHILD_SUPERVISOR' | 'SOCIAL_WORKER' | 'TOWN_ASSISTANCE_OFFICE' | 'MINORS_PROTECTION_STATION' | 'SUPERVISOR' | 'ELDERLY_DISPATCH_CENTRE' | 'HELP_CENTRE' | 'AUDITOR' | 'CIVIL_AFFAIRS_ASSISTANT';
  readonly regionCode: string;
}

export interface DemoCity {
  readonly seed: number;
  readonly asOf: string;
  readonly towns: readonly { readonly code: string; readonly name: string }[];
  readonly villages: readonly { readonly code: string; readonly name: string; readonly townCode: string }[];
  readonly households: readonly DemoHousehold[];
  readonly persons: readonly DemoPerson[];
  readonly staff: readonly DemoStaff[];
}

export interface CityOptions {
  readonly persons: number;
  readonly seed?: number;
  /** The city's date (ages, the region table's units), `YYYY-MM-DD`. */
  readonly asOf?: string;
}

const scaled = (figure: number, persons: number) => Math.max(1, Math.round((figure * persons) / FULL_CITY_PERSONS));

export function generateCity(options: CityOptions): DemoCity {
  const seed = options.seed ?? 20_261_207;
  const asOf = options.asOf ?? '2026-12-01';
  const random = new Random(seed);
  const towns = townsOf(ZHONGSHAN_CITY_CODE, asOf).map((town) => ({ code: town.code, name: town.name }));
  const villages = towns.flatMap((town) => childrenOf(town.code, asOf).map((village) => ({ code: village.code, name: village.name, townCode: town.code })));
  if (villages.length === 0) throw new Error(`no villages in the region table on ${asOf}`);
  const asOfYear = Number(asOf.slice(0, 4));
  const persons: DemoPerson[] = [];
  const households: DemoHousehold[] = [];
  const sequences = new Map<string, number>();
  const householdSerial = new Map<string, number>();

  const birthDateAt = (age: number): string => {
    // A day of the year before `asOf` that makes the person `age` on `asOf`.
    const birthday = Date.UTC(asOfYear - age, Number(asOf.slice(5, 7)) - 1, Number(asOf.slice(8, 10))) - random.int(1, 364) * 86_400_000;
    return new Date(birthday).toISOString().slice(0, 10);
  };
  const idNumberOf = (birthDate: string, sex: Sex): string => {
    const key = birthDate;
    const next = (sequences.get(key) ?? 0) + 1;
    sequences.set(key, next);
    // Odd sequence for men, even for women (GB 11643); two per step keep both within 001-999.
    const sequence = (next * 2 - (sex === 'M' ? 1 : 0)) % 1000 || 998;
    const body = `${ZHONGSHAN_CITY_CODE}${birthDate.replace(/-/gu, '')}${String(sequence).padStart(3, '0')}`;
    return `${body}${residentIdCheckDigit(body)}`;
  };
  const household = (villageCode: string): DemoHousehold => {
    const serial = (householdSerial.get(villageCode) ?? 0) + 1;
    householdSerial.set(villageCode, serial);
    const made: DemoHousehold = { householdId: `HH-${villageCode}-${String(serial).padStart(4, '0')}`, villageCode, memberIds: [], program: null };
    households.push(made);
    return made;
  };
  const person = (home: DemoHousehold, relation: Relation, age: number, sex: Sex, surname?: string, livingTogether = true): DemoPerson => {
    const birthDate = birthDateAt(Math.max(0, age));
    const made: DemoPerson = {
      personId: `P-${String(persons.length + 1).padStart(7, '0')}`,
      idNumber: idNumberOf(birthDate, sex),
      name: chineseName(random, sex, surname),
      sex,
      birthDate,
      householdId: home.householdId,
      relationToHead: relation,
      villageCode: home.villageCode,
      livingTogether,
      disability: null,
      tekun: false,
      childCategory: null,
      livingArrangement: 'WITH_FAMILY',
    };
    persons.push(made);
    home.memberIds.push(made.personId);
    return made;
  };
  const otherSex = (sex: Sex): Sex => (sex === 'M' ? 'F' : 'M');

  // The 80+: alone, as couples, or (later) as the parent in a family.
  const elders = scaled(SEED_FIGURES.aged80Plus, options.persons);
  let eldersPlaced = 0;
  let eldersForFamilies = 0;
  while (eldersPlaced + eldersForFamilies < elders && persons.length < options.persons) {
    const living = random.weighted([['alone', ASSUMPTIONS.elderLiving.alone], ['couple', ASSUMPTIONS.elderLiving.couple], ['family', ASSUMPTIONS.elderLiving.family]] as const);
    if (living === 'family') {
      eldersForFamilies += 1;
      continue;
    }
    const home = household(random.pick(villages).code);
    const sex: Sex = random.chance(0.58) ? 'F' : 'M';
    const elder = person(home, 'HEAD', random.int(80, 99), sex);
    elder.livingArrangement = living === 'alone' ? 'ALONE' : 'EMPTY_NEST';
    eldersPlaced += 1;
    if (living === 'couple' && persons.length < options.persons) {
      const spouseAge = random.int(74, 95);
      const spouse = person(home, 'SPOUSE', spouseAge, otherSex(sex));
      spouse.livingArrangement = 'EMPTY_NEST';
      if (spouseAge >= 80) eldersPlaced += 1;
    }
  }

  // Families until the city is full; some take in an 80+ parent.
  while (persons.length < options.persons) {
    const size = Math.min(random.weighted(ASSUMPTIONS.householdSizes), options.persons - persons.length);
    const home = household(random.pick(villages).code);
    const headSex: Sex = random.chance(0.7) ? 'M' : 'F';
    const headAge = size === 1 ? random.int(18, 79) : random.int(26, 62);
    const head = person(home, 'HEAD', headAge, headSex);
    const surname = surnameOf(head.name);
    let room = size - 1;
    if (room > 0 && eldersForFamilies > 0 && random.chance(0.5)) {
      person(home, 'PARENT', random.int(Math.max(80, headAge + 20), Math.max(80, Math.min(99, headAge + 40))), random.chance(0.6) ? 'F' : 'M', random.chance(0.5) ? surname : undefined);
      eldersForFamilies -= 1;
      room -= 1;
    }
    if (room > 0 && random.chance(0.85)) {
      person(home, 'SPOUSE', Math.max(20, headAge + random.int(-5, 4)), otherSex(headSex));
      room -= 1;
    }
    // Both parents may work away (外出务工): the children stay with the household (left-behind candidates).
    if (room > 0 && random.chance(0.04)) {
      for (const id of home.memberIds) {
        const member = persons[Number(id.slice(2)) - 1];
        if (member !== undefined && (member.relationToHead === 'HEAD' || member.relationToHead === 'SPOUSE')) member.livingTogether = false;
      }
    }
    for (let index = 0; index < room; index += 1) {
      const youngest = Math.max(0, headAge - 40);
      const oldest = Math.max(0, headAge - 20);
      person(home, 'CHILD', random.int(youngest, oldest), random.chance(0.51) ? 'M' : 'F', headSex === 'M' ? surname : undefined);
    }
  }

  assignPrograms(random, options.persons, asOf, households, persons);
  return { seed, asOf, towns, villages, households, persons, staff: staffOf(towns, villages) };
}

/** 低保 and 低收入 households, 特困 persons, disabilities and child records, in the seed proportions. */
function assignPrograms(random: Random, size: number, asOf: string, households: readonly DemoHousehold[], persons: readonly DemoPerson[]): void {
  const shuffled = [...households];
  for (let index = shuffled.length - 1; index > 0; index -= 1) {
    const other = random.int(0, index);
    const here = shuffled[index];
    const there = shuffled[other];
    if (here === undefined || there === undefined) continue;
    shuffled[index] = there;
    shuffled[other] = here;
  }
  const fill = (program: HouseholdProgram, targetHouseholds: number, targetPersons: number) => {
    let householdsTaken = 0;
    let personsTaken = 0;
    // First households whose size keeps persons per household near the figure's (about 2 for 低保,
    // 2.2 for 低收入), then — if the city has too few of those — any, to reach the count.
    for (const strict of [true, false]) {
      for (const home of shuffled) {
        if (householdsTaken >= targetHouseholds) return;
        if (home.program !== null) continue;
        const remaining = targetHouseholds - householdsTaken;
        const wanted = (targetPersons - personsTaken) / remaining;
        if (strict && (home.memberIds.length > Math.ceil(wanted) + 1 || (home.memberIds.length < Math.floor(wanted) - 1 && remaining > 1))) continue;
        home.program = program;
        householdsTaken += 1;
        personsTaken += home.memberIds.length;
      }
    }
  };
  fill('DIBAO', scaled(SEED_FIGURES.dibaoHouseholds, size), scaled(SEED_FIGURES.dibaoPersons, size));
  fill('LOW_INCOME', scaled(SEED_FIGURES.lowIncomeHouseholds, size), scaled(SEED_FIGURES.lowIncomePersons, size));
  const programOf = new Map(households.map((home) => [home.householdId, home.program]));
  // 特困: elders living alone, without a household program (no one bound to support them).
  let tekun = scaled(SEED_FIGURES.tekunPersons, size);
  for (const item of persons) {
    if (tekun === 0) break;
    if (item.livingArrangement !== 'ALONE' || programOf.get(item.householdId) !== null || !random.chance(0.5)) continue;
    item.tekun = true;
    tekun -= 1;
  }
  for (const item of persons) {
    if (!random.chance(ASSUMPTIONS.disabledShare)) continue;
    const grade = random.chance(ASSUMPTIONS.severeDisabilityShare) ? random.pick(['GRADE_1', 'GRADE_2'] as const) : random.pick(['GRADE_3', 'GRADE_4'] as const);
    item.disability = { kind: random.pick(['PHYSICAL', 'VISUAL', 'HEARING', 'INTELLECTUAL', 'MENTAL'] as const), grade };
  }
  // Child records: minors; LEFT_BEHIND only where both parents live away, the other categories anywhere.
  const adultBorn = `${String(Number(asOf.slice(0, 4)) - 18)}${asOf.slice(4)}`;
  const parentsAway = new Set(persons.filter((item) => item.relationToHead === 'HEAD' && !item.livingTogether).map((item) => item.householdId));
  let records = scaled(SEED_FIGURES.childRecords, size);
  const minors = persons.filter((item) => item.relationToHead === 'CHILD' && item.birthDate > adultBorn);
  const share = Math.min(1, (records * 1.5) / Math.max(1, minors.length));
  for (const item of minors) {
    if (records === 0) break;
    const away = parentsAway.has(item.householdId);
    if (!away && !random.chance(share)) continue;
    item.childCategory = away ? 'LEFT_BEHIND' : random.weighted(ASSUMPTIONS.childCategories.filter(([category]) => category !== 'LEFT_BEHIND'));
    records -= 1;
  }
}

/** Who works where: one grid worker and one 儿童主任 a village; a social worker, a 儿童督导员, the assistance office, the protection station and a supervisor a town; the city's dispatch centre, help centre, auditor, assistant and supervisor. */
function staffOf(towns: DemoCity['towns'], villages: DemoCity['villages']): DemoStaff[] {
  const staff: DemoStaff[] = [];
  for (const village of villages) {
    staff.push({ id: `gw-${village.code}`, name: `${village.name}网格员`, role: 'GRID_WORKER', regionCode: village.code });
    staff.push({ id: `cd-${village.code}`, name: `${village.name}儿童主任`, role: 'CHILD_DIRECTOR', regionCode: village.code });
  }
  for (const town of towns) {
    staff.push({ id: `sw-${town.code}`, name: `${town.name}社工站`, role: 'SOCIAL_WORKER', regionCode: town.code });
    staff.push({ id: `cs-${town.code}`, name: `${town.name}儿童督导员`, role: 'CHILD_SUPERVISOR', regionCode: town.code });
    staff.push({ id: `tao-${town.code}`, name: `${town.name}社会救助经办`, role: 'TOWN_ASSISTANCE_OFFICE', regionCode: town.code });
    staff.push({ id: `mps-${town.code}`, name: `${town.name}未成年人保护工作站`, role: 'MINORS_PROTECTION_STATION', regionCode: town.code });
    staff.push({ id: `sup-${town.code}`, name: `${town.name}民政主管`, role: 'SUPERVISOR', regionCode: town.code });
    staff.push({ id: `caa-${town.code}`, name: `${town.name}民政协理员`, role: 'CIVIL_AFFAIRS_ASSISTANT', regionCode: town.code });
  }
  const city = ZHONGSHAN_CITY_CODE;
  staff.push({ id: `dc-${city}`, name: '智慧养老服务调度中心', role: 'ELDERLY_DISPATCH_CENTRE', regionCode: city });
  staff.push({ id: `hc-${city}`, name: '帮扶中心', role: 'HELP_CENTRE', regionCode: city });
  staff.push({ id: `au-${city}`, name: '民政局审计监督', role: 'AUDITOR', regionCode: city });
  staff.push({ id: `sup-${city}`, name: '市民政局主管', role: 'SUPERVISOR', regionCode: city });
  return staff;
}
