/**
 * The platform's services as the main job and the end-to-end tests run them: each one a process
 * started from its build (`services/<name>/dist/server.js`), on its own port and its own database.
 */

export const SERVICE_NAMES = ['assistance', 'elderly-care', 'child-protection', 'charity', 'exchange', 'data-sharing', 'alerting'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export interface ServiceSpec {
  readonly name: ServiceName;
  /** 中文名 for the progress display and the summary. */
  readonly title: string;
  /** The service's default port (its `serviceConfigSpec`). */
  readonly port: number;
}

export const SERVICES: Readonly<Record<ServiceName, ServiceSpec>> = {
  assistance: { name: 'assistance', title: '社会救助', port: 3101 },
  'elderly-care': { name: 'elderly-care', title: '养老服务', port: 3102 },
  'child-protection': { name: 'child-protection', title: '儿童福利与未成年人保护', port: 3103 },
  charity: { name: 'charity', title: '慈善', port: 3104 },
  exchange: { name: 'exchange', title: '数据交换网关', port: 3105 },
  'data-sharing': { name: 'data-sharing', title: '救助帮扶专题库 + 政策找人', port: 3106 },
  alerting: { name: 'alerting', title: '预警推送', port: 3107 },
};

/** Database name of a service: its own database on the shared server (`mz_<name>` plus an optional suffix, e.g. a test's). */
export const databaseOf = (name: ServiceName, suffix = ''): string => `mz_${name.replaceAll('-', '_')}${suffix}`;
