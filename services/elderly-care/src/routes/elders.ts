/** 老人档案 (elders registry): register, read, list; device binding. */
import { Type } from '@fastify/type-provider-typebox';
import type { App } from '@minzheng/service-kit/app';
import type { AccessAudit } from '@minzheng/service-kit/audit';
import { PageQuery, RegionCodeSchema, errorResponses, pageOf, pageSchema, principalOf } from '@minzheng/service-kit/routes';
import type { ElderlyCareDeps } from '../deps.js';
import { DEVICE_KINDS } from '../domain/vocabulary.js';
import {
  EconomicStatusSchema,
  ElderSummary,
  ElderView,
  LivingArrangementSchema,
  PriorityGroupSchema,
  WorkerRoleSchema,
  elderSummary,
  elderView,
  seesPersonalData,
} from '../elders/elder.view.js';
import { bindDevice } from '../use-cases/bind-device.js';
import { registerElder } from '../use-cases/register-elder.js';

const PHONE = '^[0-9+\\- ]{5,20}$';

export const RegisterElderBody = Type.Object(
  {
    idNumber: Type.String({ description: '公民身份号码 (resident ID number, GB 11643)' }),
    name: Type.String({ minLength: 1, maxLength: 50, description: '姓名 (name)' }),
    phone: Type.Optional(Type.String({ pattern: PHONE, description: '联系电话 (phone)' })),
    emergencyContactPhone: Type.Optional(Type.String({ pattern: PHONE, description: '紧急联系人电话 (emergency contact phone)' })),
    regionCode: Type.String({ pattern: '^\\d{12}$', description: '村（居）代码，12位，须在管辖范围内 (village/community code in the caller\'s jurisdiction)' }),
    hukouResident: Type.Boolean({ description: '本市户籍 (local hukou; 高龄津贴 is granted without application only to hukou elders)' }),
    livingArrangement: LivingArrangementSchema,
    economicStatus: EconomicStatusSchema,
    leftBehind: Type.Optional(Type.Boolean({ description: '留守老人 (left-behind), default false' })),
    lostOnlyChildFamily: Type.Optional(Type.Boolean({ description: '计划生育特殊家庭 (lost an only child), default false' })),
    severelyDisabled: Type.Optional(Type.Boolean({ description: '重度残疾 (severely disabled), default false' })),
    householdId: Type.Optional(Type.String({ minLength: 1, maxLength: 80, description: '社会救助家庭编号 (assistance household id, when known)' })),
    assignedVisitorId: Type.Optional(Type.String({ minLength: 1, maxLength: 80, description: '结对巡访人编号 (assigned visitor id)' })),
    assignedVisitorRole: Type.Optional(WorkerRoleSchema),
  },
  {
    additionalProperties: false,
    examples: [
      {
        idNumber: '442000194603120119', name: '郑子轩', phone: '13590871234', emergencyContactPhone: '13590875678', regionCode: '442000005003', hukouResident: true,
        livingArrangement: 'ALONE', economicStatus: 'ORDINARY', assignedVisitorId: 'SW-005-0012', assignedVisitorRole: 'SOCIAL_WORKER',
      },
    ],
  },
);

export const DeviceView = Type.Object({
  deviceId: Type.String({ description: '设备编号 (device id)' }),
  elderId: Type.String(),
  deviceKind: Type.Enum(DEVICE_KINDS, { description: '设备类型 (device kind)' }),
  boundAt: Type.String({ format: 'date-time' }),
}, { examples: [{ deviceId: 'SOS-0005-012-0007', elderId: 'ELD-2cc1ad6ed275e3d565efc0df5806aab7', deviceKind: 'EMERGENCY_CALL', boundAt: '2026-01-16T02:00:00.000Z' }] });

const deviceView = (device: { _id: string; elderId: string; deviceKind: (typeof DEVICE_KINDS)[number]; boundAt: Date }) => ({ deviceId: device._id, elderId: device.elderId, deviceKind: device.deviceKind, boundAt: device.boundAt.toISOString() });

export const ElderParams = Type.Object({ id: Type.String({ description: '老人档案编号 (elder record id)' }) });

export function elderRoutes(app: App, deps: ElderlyCareDeps, audit: AccessAudit): void {
  app.post('/elders', {
    config: { roles: ['caseworker', 'supervisor'], idempotent: true },
    schema: {
      tags: ['elders'],
      summary: '登记老人档案 (register an elder)',
      description: '身份证号按 GB 11643 校验；村居代码须在区划表内且在调用者管辖范围内；同一人只能登记一次 (ELDER_ALREADY_REGISTERED)。事件 elderly-care.elder-registered 经发件箱发布。',
      body: RegisterElderBody,
      response: { 201: ElderView, ...errorResponses },
    },
  }, async (request, reply) => {
    const principal = principalOf(request);
    const elder = await registerElder(deps, principal, request.body);
    await audit.record(request, { action: 'write', resource: 'elder', resourceId: elder._id, personKeys: [elder.personKey] });
    return reply.code(201).header('location', `/elders/${elder._id}`).send(elderView(elder, principal, deps.keyring, deps.now()));
  });

  app.get('/elders/:id', {
    config: { roles: ['caseworker', 'supervisor', 'analyst', 'admin'] },
    schema: {
      tags: ['elders'],
      summary: '查看老人档案 (one elder; personal fields masked unless caseworker/supervisor, whose reads are audited)',
      params: ElderParams,
      response: { 200: ElderView, ...errorResponses },
    },
  }, async (request) => {
    const principal = principalOf(request);
    const elder = await deps.elders.get(request.params.id, principal.jurisdiction);
    if (seesPersonalData(principal)) await audit.record(request, { action: 'read', resource: 'elder', resourceId: elder._id, personKeys: [elder.personKey] });
    return elderView(elder, principal, deps.keyring, deps.now());
  });

  app.get('/elders', {
    config: { roles: ['caseworker', 'supervisor', 'analyst', 'admin'] },
    schema: {
      tags: ['elders'],
      summary: '老人档案列表（分页、筛选，姓名脱敏） (elders in the caller\'s jurisdiction, newest first, names masked)',
      querystring: Type.Object({
        ...PageQuery.properties,
        regionCode: Type.Optional(RegionCodeSchema),
        livingArrangement: Type.Optional(LivingArrangementSchema),
        economicStatus: Type.Optional(EconomicStatusSchema),
        hukouResident: Type.Optional(Type.Boolean()),
        priorityGroup: Type.Optional(PriorityGroupSchema),
      }, { additionalProperties: false }),
      response: { 200: pageSchema(ElderSummary), ...errorResponses },
    },
  }, async (request) => {
    const principal = principalOf(request);
    const { regionCode, livingArrangement, economicStatus, hukouResident, priorityGroup } = request.query;
    const filter: Record<string, unknown> = {};
    if (livingArrangement !== undefined) filter.livingArrangement = livingArrangement;
    if (economicStatus !== undefined) filter.economicStatus = economicStatus;
    if (hukouResident !== undefined) filter.hukouResident = hukouResident;
    if (priorityGroup !== undefined) filter.priorityGroups = priorityGroup;
    const result = await deps.elders.list(principal.jurisdiction, regionCode, filter, pageOf(request.query));
    return { ...result, items: result.items.map((elder) => elderSummary(elder, deps.keyring)) };
  });

  app.post('/elders/:id/devices', {
    config: { roles: ['caseworker', 'supervisor', 'department-system'] },
    schema: {
      tags: ['devices'],
      summary: '绑定监测设备 (bind a monitoring device to an elder)',
      description: '一台设备只绑定一位老人；重复绑定同一老人返回已有绑定 (200)，绑定到其他老人为 ELDER_DEVICE_BOUND_ELSEWHERE。设备事件须来自已绑定的设备。新绑定发布事件 elderly-care.device-bound。',
      params: ElderParams,
      body: Type.Object({
        deviceId: Type.String({ minLength: 1, maxLength: 80, pattern: '^[A-Za-z0-9._:-]+$', description: '设备编号 (device id)' }),
        deviceKind: Type.Enum(DEVICE_KINDS, { description: '设备类型 (device kind)' }),
      }, { additionalProperties: false, examples: [{ deviceId: 'SOS-0005-012-0007', deviceKind: 'EMERGENCY_CALL' }] }),
      response: { 200: DeviceView, 201: DeviceView, ...errorResponses },
    },
  }, async (request, reply) => {
    const { device, created } = await bindDevice(deps, principalOf(request), request.params.id, request.body);
    return reply.code(created ? 201 : 200).send(deviceView(device));
  });

  app.get('/elders/:id/devices', {
    config: { roles: ['caseworker', 'supervisor', 'analyst', 'admin', 'department-system'] },
    schema: {
      tags: ['devices'],
      summary: '老人的监测设备 (the devices bound to an elder)',
      params: ElderParams,
      response: { 200: Type.Object({ items: Type.Array(DeviceView) }, { examples: [{ items: [{ deviceId: 'SOS-0005-012-0007', elderId: 'ELD-2cc1ad6ed275e3d565efc0df5806aab7', deviceKind: 'EMERGENCY_CALL', boundAt: '2026-01-16T02:00:00.000Z' }] }] }), ...errorResponses },
    },
  }, async (request) => {
    const elder = await deps.elders.get(request.params.id, principalOf(request).jurisdiction);
    return { items: (await deps.devices.devicesOf(elder._id)).map(deviceView) };
  });
}
