/**
 * The region table of 中山市 (Zhongshan): the city, its 镇街 and its 村(居), dated. Read by
 * `../regions.ts`, which checks it on load; not exported through package.json on its own.
 *
 * Where each fact comes from — keep this list true when editing the data:
 *
 * From the project's domain notes (DOMAIN.md §6.1, "the seeds"):
 *   - city code 442000; no county level: 市 → 镇/街 → 村(居); function zones such as
 *     火炬开发区 sit at 镇街 level;
 *   - codes by level: city 6 digits, town 9 digits (442000xxx), village/community 12 digits;
 *   - 23 镇街 as of 2021, 277 村(居) in total;
 *   - in 2021, 10 new community committees (社区居委会) in 9 镇街, plus a partial boundary change.
 *
 * Best knowledge, NOT yet checked against the official 统计用区划代码 list of the National Bureau
 * of Statistics (check before production use):
 *   - the names of the 24 镇街 before 2021 and their 9-digit codes: 001-006 for 石岐, 东区,
 *     火炬开发区 (its 街道 is 中山港街道), 西区, 南区, 五桂山; 100-117 for the 18 towns in the order
 *     below;
 *   - the 2021 reorganisation, as the city government's notice of 2021-07-19 was reported in the
 *     press (units inaugurated 2021-07-20): 小榄镇 and 东升镇 merged into a new 小榄镇; 民众镇 became
 *     民众街道 and 南朗镇 became 南朗街道; 马安村 (part of 中山港街道's 海滨社区) moved to 南朗街道 —
 *     that is the boundary change, which is below 村(居) level and so not a change of units in
 *     this table. Modelled with 2021-07-19 as the first day of the new structure; the codes are
 *     kept (东升镇's 442000104 ends; 民众 and 南朗 keep 442000102 and 442000113 with a new name and
 *     kind). The NBS may have given the new 小榄镇, 民众街道 and 南朗街道 new codes: check;
 *   - 村(居) codes follow the NBS convention of 001-199 for 居民委员会 (社区) and 200-399 for
 *     村民委员会 (村).
 *
 * Chosen here, not facts: the table starts on 2020-01-01 (no history before it is recorded).
 *
 * SYNTHETIC DEMO DATA: every 村(居) — code, name, the number per 镇街, the split into 村 and 社区,
 * which 镇街 got the 10 new communities and their start date (2021-03-01). Only the totals (277 on
 * 2021-12-31, 10 new in 9 镇街) come from the seeds. Names read `<镇街>第N社区` / `<镇街>第N村`,
 * so they cannot be mistaken for real ones.
 */
import type { RegionUnit, TownKind, TownUnit, VillageUnit } from '../regions.js';

export const ZHONGSHAN_CITY_CODE = '442000';

/** First day the table describes (chosen, see above). */
const TABLE_FROM = '2020-01-01';
/** First day of the 2021 structure: 东升镇 merged into 小榄镇, 民众 and 南朗 became 街道. */
const REORGANISED_2021 = '2021-07-19';
/** DEMO: start of the 10 new community committees of 2021 (the real dates are not in the seeds). */
const NEW_COMMUNITIES_FROM = '2021-03-01';

/**
 * One row per 镇街 as it was before 2021-07-19: code suffix (after 442000), name, short name
 * (used in the demo 村(居) names), kind, then DEMO counts: 社区, 村, and new 社区 in 2021.
 */
type TownRow = readonly [
  suffix: string,
  name: string,
  shortName: string,
  kind: TownKind,
  communities: number,
  villages: number,
  newCommunities2021: number,
];

const TOWN_ROWS: readonly TownRow[] = [
  ['001', '石岐街道', '石岐', '街道', 15, 0, 1],
  ['002', '东区街道', '东区', '街道', 11, 0, 2],
  ['003', '火炬开发区', '火炬', '功能区', 8, 2, 1],
  ['004', '西区街道', '西区', '街道', 9, 0, 1],
  ['005', '南区街道', '南区', '街道', 4, 4, 0],
  ['006', '五桂山街道', '五桂山', '街道', 2, 6, 0],
  ['100', '小榄镇', '小榄', '镇', 15, 0, 1],
  ['101', '黄圃镇', '黄圃', '镇', 4, 10, 0],
  ['102', '民众镇', '民众', '镇', 2, 12, 0],
  ['103', '东凤镇', '东凤', '镇', 3, 9, 0],
  ['104', '东升镇', '东升', '镇', 4, 10, 0],
  ['105', '古镇镇', '古镇', '镇', 4, 9, 1],
  ['106', '沙溪镇', '沙溪', '镇', 5, 10, 1],
  ['107', '坦洲镇', '坦洲', '镇', 3, 9, 1],
  ['108', '港口镇', '港口', '镇', 3, 6, 0],
  ['109', '三角镇', '三角', '镇', 2, 6, 0],
  ['110', '横栏镇', '横栏', '镇', 2, 8, 0],
  ['111', '南头镇', '南头', '镇', 2, 4, 0],
  ['112', '阜沙镇', '阜沙', '镇', 2, 7, 0],
  ['113', '南朗镇', '南朗', '镇', 3, 11, 0],
  ['114', '三乡镇', '三乡', '镇', 5, 10, 1],
  ['115', '板芙镇', '板芙', '镇', 2, 8, 0],
  ['116', '大涌镇', '大涌', '镇', 2, 8, 0],
  ['117', '神湾镇', '神湾', '镇', 1, 5, 0],
];

/** 撤镇设街 on 2021-07-19: same code, new name and kind. */
const BECAME_SUBDISTRICT_2021: ReadonlyMap<string, string> = new Map([
  ['102', '民众街道'],
  ['113', '南朗街道'],
]);
/** 东升镇 (104) merged into 小榄镇 (100) on 2021-07-19. */
const MERGED_2021 = { from: '104', into: '100' } as const;

/** NBS convention: 居民委员会 (社区) 001-199, 村民委员会 (村) 200-399. */
const FIRST_COMMUNITY_NUMBER = 1;
const FIRST_VILLAGE_NUMBER = 201;

function townUnits(): TownUnit[] {
  const units: TownUnit[] = [];
  for (const [suffix, name, , kind] of TOWN_ROWS) {
    const code = ZHONGSHAN_CITY_CODE + suffix;
    const parent = { code, parentCode: ZHONGSHAN_CITY_CODE, level: 'town' } as const;
    const renamed = BECAME_SUBDISTRICT_2021.get(suffix);
    if (renamed !== undefined) {
      units.push({ ...parent, name, kind, validFrom: TABLE_FROM, validTo: REORGANISED_2021 });
      units.push({ ...parent, name: renamed, kind: '街道', validFrom: REORGANISED_2021 });
    } else if (suffix === MERGED_2021.from) {
      units.push({ ...parent, name, kind, validFrom: TABLE_FROM, validTo: REORGANISED_2021 });
    } else if (suffix === '003') {
      units.push({ ...parent, name, kind, validFrom: TABLE_FROM, aliases: ['中山港街道', '火炬高技术产业开发区'] });
    } else {
      units.push({ ...parent, name, kind, validFrom: TABLE_FROM });
    }
  }
  return units;
}

/** Three-digit sequence: 7 → `007`. */
function sequence(number: number): string {
  return String(number).padStart(3, '0');
}

/** DEMO 村(居): per town, communities from 001 (the 2021 ones last), villages from 201. */
function villageUnits(): VillageUnit[] {
  const units: VillageUnit[] = [];
  /** Next free community / village number per town code, for the units moved in 2021. */
  const next = new Map<string, { community: number; village: number }>();
  for (const [suffix, , shortName, , communities, villages, newCommunities] of TOWN_ROWS) {
    const townCode = ZHONGSHAN_CITY_CODE + suffix;
    const validTo = suffix === MERGED_2021.from ? REORGANISED_2021 : undefined;
    for (let n = 1; n <= communities + newCommunities; n += 1) {
      units.push({
        code: townCode + sequence(FIRST_COMMUNITY_NUMBER + n - 1),
        name: `${shortName}第${n}社区`,
        level: 'village',
        kind: '社区',
        parentCode: townCode,
        validFrom: n > communities ? NEW_COMMUNITIES_FROM : TABLE_FROM,
        ...(validTo === undefined ? {} : { validTo }),
      });
    }
    for (let n = 1; n <= villages; n += 1) {
      units.push({
        code: townCode + sequence(FIRST_VILLAGE_NUMBER + n - 1),
        name: `${shortName}第${n}村`,
        level: 'village',
        kind: '村',
        parentCode: townCode,
        validFrom: TABLE_FROM,
        ...(validTo === undefined ? {} : { validTo }),
      });
    }
    next.set(townCode, {
      community: FIRST_COMMUNITY_NUMBER + communities + newCommunities,
      village: FIRST_VILLAGE_NUMBER + villages,
    });
  }
  return [...units, ...mergedVillageUnits(units, next)];
}

/**
 * The 村(居) of 东升镇 continue under 小榄镇 from 2021-07-19: same names, new codes under 小榄镇's
 * prefix (numbered after 小榄镇's own), `formerCode` pointing at the old code.
 */
function mergedVillageUnits(
  units: readonly VillageUnit[],
  next: ReadonlyMap<string, { community: number; village: number }>,
): VillageUnit[] {
  const fromCode = ZHONGSHAN_CITY_CODE + MERGED_2021.from;
  const intoCode = ZHONGSHAN_CITY_CODE + MERGED_2021.into;
  const numbers = next.get(intoCode);
  if (numbers === undefined) {
    throw new TypeError(`region data: town ${intoCode} has no row`);
  }
  let { community, village } = numbers;
  return units
    .filter((unit) => unit.parentCode === fromCode)
    .map((unit) => {
      const number = unit.kind === '社区' ? community++ : village++;
      return {
        code: intoCode + sequence(number),
        name: unit.name,
        level: 'village',
        kind: unit.kind,
        parentCode: intoCode,
        validFrom: REORGANISED_2021,
        formerCode: unit.code,
      };
    });
}

/** Every unit of the table: the city, its 镇街 and its 村(居), with all their dated versions. */
export const ZHONGSHAN_REGION_UNITS: readonly RegionUnit[] = [
  {
    code: ZHONGSHAN_CITY_CODE,
    name: '中山市',
    level: 'city',
    kind: '地级市',
    parentCode: '440000',
    validFrom: TABLE_FROM,
  },
  ...townUnits(),
  ...villageUnits(),
];
