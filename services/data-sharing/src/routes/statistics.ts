/** 统计 (statistics): counts, sums and coverage by region × program × category × age band × month, with small-cell suppression for analysts; JSON or CSV. */
import { Type } from '@fastify/type-provider-typebox';
import type { App } from '@minzheng/service-kit/app';
import { RegionCodeSchema, errorResponses, principalOf } from '@minzheng/service-kit/routes';
import type { DataSharingDeps } from '../deps.js';
import { dataSharingError } from '../errors.js';
import { AGE_BANDS } from '../use-cases/population.js';
import { DIMENSIONS, MEASURES, statistics, type Dimension } from '../use-cases/statistics.js';
import { sendCsv } from './csv.js';

const MONTH = Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])$', description: '月份 YYYY-MM (month)' });

const Count = Type.Union([Type.Integer(), Type.String({ pattern: '^<\\d+$' })], { description: '计数；分析人员视图中小于阈值显示为 "<5" (a count; "<5" for analysts when below the threshold)' });

const STATISTICS_EXAMPLE = {
  measure: 'coverage',
  groupBy: ['town'],
  months: ['2026-11'],
  scope: '442000',
  threshold: 5,
  cells: [
    { key: { town: '442000101' }, population: 812, covered: 790, ratio: 0.9729, suppressed: false },
    { key: { town: '442000102' }, population: '<5', covered: '<5', ratio: null, suppressed: true },
  ],
};

const COLUMN_NAMES: Readonly<Record<string, string>> = {
  town: '镇街 town',
  village: '村居 village',
  program: '项目 program',
  category: '类别 category',
  ageBand: '年龄段 age band',
  sex: '性别 sex',
  month: '月份 month',
  enrolments: '在享笔数 enrolments',
  persons: '人数 persons',
  monthlyAmountFen: '月金额（分） monthly amount (fen)',
  population: '人口 population',
  covered: '覆盖人数 covered',
  ratio: '覆盖率 ratio',
};

export function statisticsRoutes(app: App, deps: DataSharingDeps, threshold: number): void {
  app.get('/statistics/:measure', {
    config: { roles: ['analyst', 'supervisor', 'admin'] },
    schema: {
      tags: ['statistics'],
      summary: '统计：在享、人数、覆盖率，按区划×项目×类别×年龄段×月份 (statistics: enrolments, persons, coverage by region × program × category × age band × month)',
      description: [
        'enrolments：月末在享的救助帮扶项目笔数、覆盖人数、月金额合计；persons：人数（一人多项目分别计入）；coverage：指定人群（在世，按年龄段/类别）中享受指定项目的人数与比例，如 80 岁以上享受高龄津贴者 / 80 岁以上全部老人。',
        '分析人员视图：小于阈值（默认 5）的格显示为 "<5"，其金额与比例不显示。format=csv 导出。',
      ].join(' '),
      params: Type.Object({ measure: Type.Enum(MEASURES) }),
      querystring: Type.Object({
        groupBy: Type.String({ default: 'town', pattern: `^(${DIMENSIONS.join('|')})(,(${DIMENSIONS.join('|')}))*$`, description: `分组维度，逗号分隔：${DIMENSIONS.join(', ')} (dimensions, comma-separated)` }),
        from: Type.Optional(MONTH),
        to: Type.Optional(MONTH),
        regionCode: Type.Optional(RegionCodeSchema),
        program: Type.Optional(Type.String({ description: '项目，如 ADVANCED_AGE_ALLOWANCE（coverage 必填） (program; required for coverage)' })),
        category: Type.Optional(Type.String({ description: '类别 field:value (category)' })),
        ageBand: Type.Optional(Type.Enum(AGE_BANDS)),
        format: Type.Enum(['json', 'csv'], { default: 'json' }),
      }),
      response: {
        200: Type.Object(
          {
            measure: Type.Enum(MEASURES),
            groupBy: Type.Array(Type.String()),
            months: Type.Array(Type.String()),
            scope: Type.String({ description: '统计范围（区划前缀） (region prefix counted)' }),
            threshold: Type.Union([Type.Integer(), Type.Null()], { description: '小格抑制阈值；非分析人员视图为空 (small-cell threshold; null when not applied)' }),
            cells: Type.Array(
              Type.Object({
                key: Type.Record(Type.String(), Type.String()),
                enrolments: Type.Optional(Count),
                persons: Type.Optional(Count),
                monthlyAmountFen: Type.Optional(Type.Union([Type.Number(), Type.Null()])),
                population: Type.Optional(Count),
                covered: Type.Optional(Count),
                ratio: Type.Optional(Type.Union([Type.Number(), Type.Null()])),
                suppressed: Type.Boolean(),
              }),
            ),
          },
          { examples: [STATISTICS_EXAMPLE] },
        ),
        ...errorResponses,
      },
    },
  }, async (request, reply) => {
    const { measure } = request.params;
    const { groupBy, format, ...filters } = request.query;
    const dimensions = groupBy.split(',') as Dimension[];
    if (dimensions.includes('month') && filters.from === undefined) throw dataSharingError('DS_INVALID_QUERY', '按月分组须指定起始月份 (grouping by month needs from)', { field: 'from', rule: 'is required when groupBy names month' });
    const answer = await statistics(deps, principalOf(request), { measure, groupBy: dimensions, ...filters }, threshold);
    if (format === 'json') return answer;
    const measures = measure === 'enrolments' ? ['enrolments', 'persons', 'monthlyAmountFen'] : measure === 'persons' ? ['persons'] : ['population', 'covered', 'ratio'];
    const columns = [...dimensions, ...measures];
    return sendCsv(reply, `statistics-${measure}-${answer.months[0] ?? ''}.csv`, columns.map((column) => COLUMN_NAMES[column] ?? column), answer.cells.map((cell) => columns.map((column) => (column in cell.key ? cell.key[column as Dimension] : (cell as unknown as Record<string, unknown>)[column]))));
  });
}
