import { thrownBy } from '@minzheng/testing';
import { describe, expect, it } from 'vitest';
import { IdentityError, isIdentityError } from './errors.js';
import {
  childrenOf,
  createRegionTable,
  isWithin,
  regionOn,
  requireRegion,
  townsOf,
  ZHONGSHAN_CITY_CODE,
  zhongshanRegions,
  type RegionUnit,
} from './regions.js';

const END_OF_2021 = '2021-12-31';
/** First day of the 2021 structure (东升镇 merged into 小榄镇; 民众, 南朗 became 街道). */
const REORGANISED = '2021-07-19';
const DAY_BEFORE_REORGANISED = '2021-07-18';
const XIAOLAN = '442000100';
const DONGSHENG = '442000104';
const MINZHONG = '442000102';
/** A demo community that is one of the 10 new ones of 2021 (石岐 has 15 older ones). */
const NEW_SHIQI_COMMUNITY = '442000001016';

function villagesOn(date: string): RegionUnit[] {
  return townsOf(ZHONGSHAN_CITY_CODE, date).flatMap((town) => childrenOf(town.code, date));
}

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    if (error instanceof IdentityError) return error.code;
    throw error;
  }
  return undefined;
}

describe('the Zhongshan table', () => {
  it('has the city 442000 (中山市) under the province 440000', () => {
    expect(regionOn('442000', END_OF_2021)).toEqual({
      code: '442000',
      name: '中山市',
      level: 'city',
      kind: '地级市',
      parentCode: '440000',
      validFrom: '2020-01-01',
    });
    expect(zhongshanRegions.from).toBe('2020-01-01');
  });

  it('has 23 镇街 on 2021-12-31 with their names and codes: 7 街道, 1 功能区, 15 镇', () => {
    const towns = townsOf(ZHONGSHAN_CITY_CODE, END_OF_2021);
    expect(towns.map((town) => `${town.code.slice(6)} ${town.name} ${town.kind}`)).toEqual([
      '001 石岐街道 街道',
      '002 东区街道 街道',
      '003 火炬开发区 功能区',
      '004 西区街道 街道',
      '005 南区街道 街道',
      '006 五桂山街道 街道',
      '100 小榄镇 镇',
      '101 黄圃镇 镇',
      '102 民众街道 街道',
      '103 东凤镇 镇',
      '105 古镇镇 镇',
      '106 沙溪镇 镇',
      '107 坦洲镇 镇',
      '108 港口镇 镇',
      '109 三角镇 镇',
      '110 横栏镇 镇',
      '111 南头镇 镇',
      '112 阜沙镇 镇',
      '113 南朗街道 街道',
      '114 三乡镇 镇',
      '115 板芙镇 镇',
      '116 大涌镇 镇',
      '117 神湾镇 镇',
    ]);
    expect(towns.filter((town) => town.kind === '镇')).toHaveLength(15);
    expect(new Set(towns.map((town) => `${town.level} under ${town.parentCode}`))).toEqual(new Set(['town under 442000']));
  });

  it('had 24 镇街 (6 at 00x, 18 towns at 1xx) until the 2021 reorganisation', () => {
    const towns = townsOf(ZHONGSHAN_CITY_CODE, DAY_BEFORE_REORGANISED);
    expect(towns).toHaveLength(24);
    expect(towns.filter((town) => town.kind === '镇').map((town) => town.name)).toEqual([
      '小榄镇', '黄圃镇', '民众镇', '东凤镇', '东升镇', '古镇镇', '沙溪镇', '坦洲镇', '港口镇',
      '三角镇', '横栏镇', '南头镇', '阜沙镇', '南朗镇', '三乡镇', '板芙镇', '大涌镇', '神湾镇',
    ]);
    expect(townsOf(ZHONGSHAN_CITY_CODE, REORGANISED)).toHaveLength(23);
  });

  it('has 277 村(居) on 2021-12-31, 267 before the 10 new communities of 2021', () => {
    expect(villagesOn(END_OF_2021)).toHaveLength(277);
    expect(villagesOn('2021-02-28')).toHaveLength(267);
    expect(villagesOn('2021-03-01')).toHaveLength(277);
    // The merger moves 东升镇's 村(居) under 小榄镇; it neither adds nor removes any.
    expect(villagesOn(DAY_BEFORE_REORGANISED)).toHaveLength(277);
  });

  it('has 10 new community committees of 2021, in 9 镇街', () => {
    const fresh = villagesOn(END_OF_2021).filter((unit) => unit.validFrom.startsWith('2021') && unit.formerCode === undefined);
    expect(fresh).toHaveLength(10);
    expect(fresh.every((unit) => unit.kind === '社区')).toBe(true);
    expect(new Set(fresh.map((unit) => unit.parentCode)).size).toBe(9);
  });

  it('models 东升镇 as in effect before the merger into 小榄镇 and unknown after it', () => {
    expect(regionOn(DONGSHENG, DAY_BEFORE_REORGANISED)).toMatchObject({ name: '东升镇', kind: '镇', validTo: REORGANISED });
    expect(regionOn(DONGSHENG, REORGANISED)).toBeUndefined();
    expect(regionOn(DONGSHENG, END_OF_2021)).toBeUndefined();
    const error = thrownBy(IdentityError, () => requireRegion(DONGSHENG, END_OF_2021, 'townCode'));
    expect(error.code).toBe('REGION_UNKNOWN');
    expect(error.details).toEqual({
      field: 'townCode',
      rule: 'must be in effect on 2021-12-31 (this code is in effect from 2020-01-01 until 2021-07-19, exclusive)',
    });
    expect(error.message).toContain('镇街代码在该日期未生效或已撤销');
  });

  it('moves the 村(居) of 东升镇 to new codes under 小榄镇, keeping their names and the old code', () => {
    const before = childrenOf(DONGSHENG, DAY_BEFORE_REORGANISED);
    expect(before).toHaveLength(14);
    const moved = childrenOf(XIAOLAN, END_OF_2021).filter((unit) => unit.formerCode !== undefined);
    expect(moved.map((unit) => unit.formerCode)).toEqual(before.map((unit) => unit.code));
    expect(moved.map((unit) => unit.name)).toEqual(before.map((unit) => unit.name));
    expect(moved.every((unit) => unit.validFrom === REORGANISED && unit.code.startsWith(XIAOLAN))).toBe(true);
    expect(regionOn('442000104201', END_OF_2021)).toBeUndefined();
    expect(regionOn('442000104201', DAY_BEFORE_REORGANISED)?.name).toBe('东升第1村');
  });

  it('keeps the code of 民众 and 南朗 but changes them from 镇 to 街道 on 2021-07-19', () => {
    expect(regionOn(MINZHONG, DAY_BEFORE_REORGANISED)).toMatchObject({ name: '民众镇', kind: '镇' });
    expect(regionOn(MINZHONG, REORGANISED)).toMatchObject({ name: '民众街道', kind: '街道' });
    expect(regionOn('442000113', DAY_BEFORE_REORGANISED)?.name).toBe('南朗镇');
    expect(regionOn('442000113', REORGANISED)?.name).toBe('南朗街道');
    // Its 村(居) do not change: they belong to the code, which stays in effect throughout.
    expect(childrenOf(MINZHONG, DAY_BEFORE_REORGANISED)).toEqual(childrenOf(MINZHONG, REORGANISED));
  });

  it('makes a 2021 community unknown before its validFrom', () => {
    expect(regionOn(NEW_SHIQI_COMMUNITY, '2021-02-28')).toBeUndefined();
    expect(regionOn(NEW_SHIQI_COMMUNITY, '2021-03-01')).toMatchObject({ name: '石岐第16社区', kind: '社区', validFrom: '2021-03-01' });
    const error = thrownBy(IdentityError, () => requireRegion(NEW_SHIQI_COMMUNITY, '2021-01-01'));
    expect(error.code).toBe('REGION_UNKNOWN');
    expect(error.details?.rule).toBe('must be in effect on 2021-01-01 (this code is in effect from 2021-03-01)');
    expect(error.message).toContain('村（居）代码');
  });

  it('calls 火炬开发区 a 功能区 at 镇街 level, also known as 中山港街道', () => {
    const torch = regionOn('442000003', END_OF_2021);
    expect(torch?.kind).toBe('功能区');
    expect(torch?.level).toBe('town');
    expect(torch?.aliases).toContain('中山港街道');
  });

  it('marks every 村(居) as synthetic by name, with 社区 at 001-199 and 村 at 201-399', () => {
    const villages = villagesOn(END_OF_2021);
    for (const unit of villages) {
      const number = Number(unit.code.slice(9));
      if (unit.kind === '社区') {
        expect(unit.name, unit.code).toMatch(/^\p{Script=Han}+第\d+社区$/u);
        expect(number, unit.code).toBeLessThanOrEqual(199);
      } else {
        expect(unit.name, unit.code).toMatch(/^\p{Script=Han}+第\d+村$/u);
        expect(number, unit.code).toBeGreaterThanOrEqual(201);
      }
      expect(unit.level).toBe('village');
    }
    expect(new Set(villages.map((unit) => unit.code)).size).toBe(277);
  });

  it('returns frozen units and lists', () => {
    const town = requireRegion(XIAOLAN, END_OF_2021);
    expect(Object.isFrozen(town)).toBe(true);
    expect(Object.isFrozen(childrenOf(XIAOLAN, END_OF_2021))).toBe(true);
    expect(Object.isFrozen(townsOf(ZHONGSHAN_CITY_CODE, END_OF_2021))).toBe(true);
    expect(Object.isFrozen(regionOn('442000003', END_OF_2021)?.aliases)).toBe(true);
  });
});

describe('regionOn', () => {
  it('returns undefined for codes that are malformed, unknown, or dated before the table', () => {
    for (const code of ['', '4420', '442000100x', '４４２０００', '442000199', '442000100999', '441900']) {
      expect(regionOn(code, END_OF_2021), code).toBeUndefined();
    }
    expect(regionOn(XIAOLAN, '2019-12-31')).toBeUndefined();
  });

  it('throws DATE_INVALID naming the date for a date that is not real', () => {
    for (const date of ['2021-02-29', '2021-13-01', '20211231', '']) {
      const error = thrownBy(IdentityError, () => regionOn(XIAOLAN, date));
      expect(error.code, date).toBe('DATE_INVALID');
      expect(error.details?.field).toBe('date');
    }
  });
});

describe('requireRegion', () => {
  it('returns the unit in effect', () => {
    expect(requireRegion('442000100001', END_OF_2021)).toMatchObject({ name: '小榄第1社区', parentCode: XIAOLAN, level: 'village' });
  });

  it('rejects a code that is not 6, 9 or 12 ASCII digits with REGION_FORMAT, without repeating it', () => {
    for (const code of ['', '44200', '4420001', '4420001000', '4420001000010', '44200a', '４４２０００', ' 442000', '442000197411030462']) {
      const error = thrownBy(IdentityError, () => requireRegion(code, END_OF_2021, 'address.regionCode'));
      expect(error.code, code).toBe('REGION_FORMAT');
      expect(error.details?.field).toBe('address.regionCode');
      expect(error.details?.rule).toMatch(/^must be 6 \(city\), 9 \(town\) or 12 \(village\/community\) ASCII digits \(got \d+ characters\)$/u);
      expect(error.message).toMatch(/^区划代码格式错误 \(address\.regionCode must be 6/u);
      if (code.trim() !== '') expect(error.message).not.toContain(code.trim());
    }
  });

  it('leaves details.field out when no field is named', () => {
    const error = thrownBy(IdentityError, () => requireRegion('123', END_OF_2021));
    expect(error.details).toEqual({ rule: 'must be 6 (city), 9 (town) or 12 (village/community) ASCII digits (got 3 characters)' });
    expect(error.message).toContain('(code must be 6');
  });

  it('checks the format before the date', () => {
    expect(codeOf(() => requireRegion('123', 'not a date'))).toBe('REGION_FORMAT');
    const error = thrownBy(IdentityError, () => requireRegion(XIAOLAN, '2021-06-31'));
    expect(error.code).toBe('DATE_INVALID');
    expect(error.details?.field).toBe('date');
  });

  it('names the level problem of codes padded with zeros (REGION_UNKNOWN)', () => {
    const cases: readonly (readonly [string, RegExp])[] = [
      ['442000100000', /town code padded to 12 digits/u],
      ['442000000000', /city code padded to 12 digits/u],
      ['442000000', /city code padded to 9 digits/u],
      ['440000', /province/u],
    ];
    for (const [code, rule] of cases) {
      const error = thrownBy(IdentityError, () => requireRegion(code, END_OF_2021));
      expect(error.code, code).toBe('REGION_UNKNOWN');
      expect(error.details?.rule, code).toMatch(rule);
      expect(error.message, code).toContain('区划代码层级错误');
    }
  });

  it('says when the date is before the table starts', () => {
    const error = thrownBy(IdentityError, () => requireRegion(ZHONGSHAN_CITY_CODE, '2019-12-31'));
    expect(error.code).toBe('REGION_UNKNOWN');
    expect(error.details?.rule).toBe('the date must not be before 2020-01-01: the region table has no data before then');
    expect(error.message).toContain('区划表不含该日期');
  });

  it('names the level of a well-formed code that is in the table on no date', () => {
    const cases: readonly (readonly [string, string, string])[] = [
      ['441900', '市', 'must be a city code in the region table (it is not there on any date)'],
      ['442000199', '镇街', 'must be a town code in the region table (it is not there on any date)'],
      ['442000100399', '村（居）', 'must be a village/community code in the region table (it is not there on any date)'],
    ];
    for (const [code, level, rule] of cases) {
      const error = thrownBy(IdentityError, () => requireRegion(code, END_OF_2021, 'regionCode'));
      expect(isIdentityError(error, 'REGION_UNKNOWN'), code).toBe(true);
      expect(error.details).toEqual({ field: 'regionCode', rule });
      expect(error.message).toBe(`${level}代码不在区划表中 (${rule})`);
    }
  });
});

describe('childrenOf', () => {
  it('lists the 镇街 of the city and the 村(居) of a 镇街, by code, on the date', () => {
    expect(childrenOf(ZHONGSHAN_CITY_CODE, END_OF_2021).map((unit) => unit.code)).toEqual(
      townsOf(ZHONGSHAN_CITY_CODE, END_OF_2021).map((unit) => unit.code),
    );
    const shiqi = childrenOf('442000001', END_OF_2021);
    expect(shiqi).toHaveLength(16);
    expect(shiqi.every((unit) => unit.parentCode === '442000001')).toBe(true);
    expect(shiqi.map((unit) => unit.code)).toEqual(shiqi.map((unit) => unit.code).sort());
    expect(childrenOf('442000001', '2021-02-28')).toHaveLength(15);
  });

  it('gives nothing below a 村(居)', () => {
    expect(childrenOf('442000100001', END_OF_2021)).toEqual([]);
  });

  it('requires the unit itself to be in effect, naming the argument code', () => {
    const error = thrownBy(IdentityError, () => childrenOf(DONGSHENG, END_OF_2021));
    expect(error.code).toBe('REGION_UNKNOWN');
    expect(error.details?.field).toBe('code');
    expect(thrownBy(IdentityError, () => childrenOf('4420001', END_OF_2021)).code).toBe('REGION_FORMAT');
  });
});

describe('townsOf', () => {
  it('only accepts a 6-digit city code (REGION_FORMAT on cityCode)', () => {
    for (const code of [XIAOLAN, '442000100001', '']) {
      const error = thrownBy(IdentityError, () => townsOf(code, END_OF_2021));
      expect(error.code, code).toBe('REGION_FORMAT');
      expect(error.details?.field).toBe('cityCode');
      expect(error.details?.rule).toMatch(/^must be a 6-digit city code/u);
    }
  });

  it('rejects a city that is not in the table (REGION_UNKNOWN on cityCode)', () => {
    const error = thrownBy(IdentityError, () => townsOf('441900', END_OF_2021));
    expect(error.code).toBe('REGION_UNKNOWN');
    expect(error.details?.field).toBe('cityCode');
  });
});

describe('isWithin', () => {
  it('is true for a unit in the jurisdiction, including the jurisdiction itself', () => {
    expect(isWithin('442000100001', XIAOLAN)).toBe(true);
    expect(isWithin('442000100001', ZHONGSHAN_CITY_CODE)).toBe(true);
    expect(isWithin(XIAOLAN, ZHONGSHAN_CITY_CODE)).toBe(true);
    expect(isWithin(XIAOLAN, XIAOLAN)).toBe(true);
    expect(isWithin('442000100001', '442000100001')).toBe(true);
  });

  it('is false for other units, and for a wider unit inside a narrower jurisdiction', () => {
    expect(isWithin('442000101001', XIAOLAN)).toBe(false);
    expect(isWithin('442000100001', '442000100002')).toBe(false);
    expect(isWithin(ZHONGSHAN_CITY_CODE, XIAOLAN)).toBe(false);
    expect(isWithin('442000100001', '441900')).toBe(false);
  });

  it('tracks recoding: 东升镇 村(居) moved to 小榄镇 are within 小榄镇, their old codes within 东升镇', () => {
    const moved = childrenOf(XIAOLAN, END_OF_2021).find((unit) => unit.formerCode !== undefined);
    expect(moved).toBeDefined();
    expect(isWithin(moved!.code, XIAOLAN)).toBe(true);
    expect(isWithin(moved!.formerCode!, DONGSHENG)).toBe(true);
    expect(isWithin(moved!.formerCode!, XIAOLAN)).toBe(false);
  });

  it('refuses a malformed jurisdiction instead of matching everything (REGION_FORMAT)', () => {
    for (const prefix of ['', '4', '44200010', '442000100 ']) {
      const error = thrownBy(IdentityError, () => isWithin('442000100001', prefix));
      expect(error.code, prefix).toBe('REGION_FORMAT');
      expect(error.details?.field).toBe('jurisdictionPrefix');
    }
    const error = thrownBy(IdentityError, () => isWithin('44200010000', XIAOLAN));
    expect(error.code).toBe('REGION_FORMAT');
    expect(error.details?.field).toBe('code');
  });
});

describe('createRegionTable', () => {
  const city: RegionUnit = { code: '442000', name: '中山市', level: 'city', kind: '地级市', parentCode: '440000', validFrom: '2020-01-01' };
  const town: RegionUnit = { code: '442000100', name: '甲镇', level: 'town', kind: '镇', parentCode: '442000', validFrom: '2020-01-01' };
  const village: RegionUnit = { code: '442000100001', name: '甲社区', level: 'village', kind: '社区', parentCode: '442000100', validFrom: '2020-01-01' };

  it('answers from its own units, with several versions per code and gaps between them', () => {
    const table = createRegionTable([
      city,
      { ...town, validTo: '2021-01-01' },
      { ...town, name: '乙镇', validFrom: '2022-01-01' },
    ]);
    expect(table.from).toBe('2020-01-01');
    expect(table.regionOn('442000100', '2020-12-31')?.name).toBe('甲镇');
    expect(table.regionOn('442000100', '2021-01-01')).toBeUndefined();
    expect(table.regionOn('442000100', '2022-01-01')?.name).toBe('乙镇');
    expect(table.townsOf('442000', '2021-06-01')).toEqual([]);
    expect(thrownBy(IdentityError, () => table.requireRegion('442000100', '2021-06-01')).details?.rule).toBe(
      'must be in effect on 2021-06-01 (this code is in effect from 2020-01-01 until 2021-01-01, exclusive; from 2022-01-01)',
    );
  });

  it('accepts a unit whose parent changes version under it without a gap', () => {
    const table = createRegionTable([
      city,
      { ...town, validTo: '2021-07-19' },
      { ...town, name: '甲街道', kind: '街道', validFrom: '2021-07-19' },
      village,
    ]);
    expect(table.childrenOf('442000100', '2022-01-01').map((unit) => unit.code)).toEqual(['442000100001']);
  });

  it('does not share state with the array it was given', () => {
    const units: RegionUnit[] = [city, { ...town }];
    const table = createRegionTable(units);
    units.pop();
    expect(table.regionOn('442000100', '2021-01-01')?.name).toBe('甲镇');
  });

  it('refuses inconsistent data with a TypeError (a bug in the data, not bad input)', () => {
    const bad: readonly (readonly [readonly RegionUnit[], RegExp])[] = [
      [[], /has no units/u],
      [[city, { ...town, code: '4420001000' }], /not a well-formed town code/u],
      [[city, { ...town, code: '442000000' }], /not a well-formed town code/u],
      [[city, { ...town, name: ' ' }], /name is empty/u],
      [[city, { ...town, validFrom: '2021-02-30' }], /must be real YYYY-MM-DD dates/u],
      [[city, { ...town, validTo: '2020-01-01' }], /validTo must be after validFrom/u],
      [[city, town, { ...town, validFrom: '2021-01-01' }], /overlapping versions/u],
      [[city, { ...town, parentCode: '441900' }], /parentCode must be 442000/u],
      [[city, village], /parent 442000100 is not in effect on 2020-01-01/u],
      [[city, { ...town, validTo: '2021-01-01' }, village], /parent 442000100 is not in effect on 2021-01-01/u],
      [[city, { ...town, validFrom: '2021-01-01' }, village], /parent 442000100 is not in effect on 2020-01-01/u],
      [[{ ...city, parentCode: '450000' }], /parent of a city must be its province \(440000\)/u],
      [[city, town, { ...village, code: '442000100002', formerCode: '442000100001' }, village], /formerCode 442000100001 must have a version that ends/u],
    ];
    for (const [units, reason] of bad) {
      expect(() => createRegionTable(units), String(reason)).toThrow(TypeError);
      expect(() => createRegionTable(units), String(reason)).toThrow(reason);
    }
  });
});
