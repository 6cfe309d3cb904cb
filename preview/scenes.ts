/** Every page and component in its main states, from fixtures. */
import { err, ErrorCode } from '../core';
import {
  alertFixture,
  ALERT_ACKED,
  ALERT_ACTIVE,
  ALERT_ESCALATED,
  ALERTS_PAST,
  AVATAR_PICTURE,
  DEVICE,
  fixtureServices,
  never,
  NOW,
  PATIENTS,
  patientDetail,
  SNOOZE_OFFLINE,
  TEMPLATE_ID,
  USER_WITH_AVATAR,
} from './fixtures';
import { defaultRules } from '../core/alerts';
import { alertView } from '../miniprogram/common/alerts';
import type { AlertRecord } from '../core/alerts';
import type { Scene } from './render';
import { createPrivacyGate } from '../miniprogram/services/privacy';

const unavailable = () => Promise.resolve(err(ErrorCode.Unavailable, '网络不可用：request:fail timeout'));
const offlineDevice = {
  ...DEVICE,
  online: false,
  presenceAt: NOW - 42 * 60_000,
  lastReading: { ts: NOW - 45 * 60_000, temperature: 36.4, heartRate: 71, spo2: 96 },
};

/** A privacy request WeChat is waiting on (the first use of the clipboard, say). */
function waitingPrivacy() {
  const gate = createPrivacyGate();
  gate.need(() => undefined);
  return gate;
}

/** The live page after the device sent a worrying reading over MQTT. */
function readingArrives(): Scene {
  const services = fixtureServices();
  return {
    name: 'monitor-reading-arrives',
    path: 'pages/monitor',
    services,
    act: () => services.realtime.emit({ type: 'reading', deviceId: DEVICE.id, reading: { ts: NOW, temperature: 38.2, heartRate: 112, spo2: 91 } }),
  };
}

const activeOf = (alerts: AlertRecord[]) => ({ activeAlerts: async () => ({ ok: true as const, data: alerts }) });

/** 实时监测 when an alert arrives on the patient's realtime topic while the page is open. */
function alertArrives(): Scene {
  const services = fixtureServices();
  return {
    name: 'monitor-alert-arrives',
    path: 'pages/monitor',
    services,
    act: () => services.realtime.emit({ type: 'alert', patientId: 'p_mom', reason: 'raise', alert: ALERT_ACTIVE }),
  };
}

/** 王秀英 with her own phone and two emergency contacts (#13, one-tap call). */
const withContacts = () => ({
  ...patientDetail(),
  phone: '13900001111',
  emergencyContacts: [
    { name: '张丽', relation: '女儿', phone: '+86-138-0013-8000' },
    { name: '社区医生', relation: '李医生', phone: '0571-88886666' },
  ],
});

function contactScenes(): Scene[] {
  const api = { patient: async () => ({ ok: true as const, data: withContacts() }) };
  return [
    { name: 'patient-contacts-call', path: 'family/patient', services: fixtureServices({ api }), query: { id: 'p_mom' } },
    {
      name: 'patient-contacts-editing',
      path: 'family/patient',
      services: fixtureServices({ api }),
      query: { id: 'p_mom' },
      act: ({ instance }) => void (instance.onEdit as () => void)(),
    },
    { name: 'patient-contacts-none-family', path: 'family/patient', services: fixtureServices(), query: { id: 'p_dad' } },
  ];
}

/** Every alert state (#12): active, acknowledged, escalated, resolved, and the settings with the WeChat quota. */
function alertScenes(): Scene[] {
  const rulesByOwner = {
    alertRules: async () => ({
      ok: true as const,
      data: {
        rules: { ...defaultRules(2), disabled: ['combined' as const] },
        defaults: defaultRules(2),
        updatedAt: NOW - 26 * 3_600_000,
        updatedBy: 'u_me',
        changes: [],
      },
    }),
  };
  return [
    { name: 'monitor-alert-active', path: 'pages/monitor', services: fixtureServices({ api: activeOf([ALERT_ACTIVE]) }) },
    alertArrives(),
    { name: 'monitor-alert-acknowledged', path: 'pages/monitor', services: fixtureServices({ api: activeOf([ALERT_ACKED]) }) },
    { name: 'monitor-alert-escalated', path: 'pages/monitor', services: fixtureServices({ api: activeOf([ALERT_ESCALATED]) }) },
    { name: 'monitor-alert-big-text', path: 'pages/monitor', services: fixtureServices({ bigText: true, api: activeOf([ALERT_ESCALATED]) }) },
    {
      name: 'alerts-page',
      path: 'family/alerts',
      query: { id: 'p_mom' },
      services: fixtureServices({ api: { ...activeOf([ALERT_ESCALATED]), snoozes: async () => ({ ok: true, data: [SNOOZE_OFFLINE] }) } }),
    },
    {
      name: 'alerts-acknowledge-note',
      path: 'family/alerts',
      query: { id: 'p_mom' },
      services: fixtureServices({ api: activeOf([ALERT_ACTIVE]) }),
      act: ({ instance }) => {
        (instance.onStartAck as (e: unknown) => void)({ currentTarget: { dataset: { id: ALERT_ACTIVE.id } } });
        (instance.onNoteInput as (e: unknown) => void)({ detail: { value: '我马上过去看看' } });
      },
    },
    {
      name: 'alerts-snooze',
      path: 'family/alerts',
      query: { id: 'p_mom' },
      services: fixtureServices({ api: activeOf([ALERT_ACKED]) }),
      act: ({ instance }) => void (instance.onStartSnooze as (e: unknown) => void)({ currentTarget: { dataset: { kind: 'spo2' } } }),
    },
    {
      name: 'alerts-resolved',
      path: 'family/alerts',
      query: { id: 'p_mom' },
      services: fixtureServices({ api: { alertHistory: async () => ({ ok: true, data: { alerts: ALERTS_PAST, next: 'older' } }) } }),
    },
    { name: 'alert-settings-owner', path: 'family/alert-settings', query: { id: 'p_mom' }, services: fixtureServices({ api: rulesByOwner }) },
    { name: 'alert-settings-family', path: 'family/alert-settings', query: { id: 'p_dad' }, services: fixtureServices() },
    {
      name: 'alert-settings-quota-exhausted',
      path: 'family/alert-settings',
      query: { id: 'p_mom' },
      services: fixtureServices({ api: { alertQuota: async () => ({ ok: true, data: { templateId: TEMPLATE_ID, remaining: { [TEMPLATE_ID]: 0 } } }) } }),
    },
    {
      name: 'alert-settings-not-configured',
      path: 'family/alert-settings',
      query: { id: 'p_mom' },
      services: fixtureServices({ api: { alertQuota: async () => ({ ok: true, data: { templateId: null, remaining: {} } }) } }),
    },
    ...contactScenes(),
    {
      name: 'me-alerts',
      path: 'pages/me',
      services: fixtureServices({ api: { activeAlerts: async (id) => ({ ok: true, data: id === 'p_mom' ? [ALERT_ESCALATED] : [] }) } }),
    },
  ];
}

export function pageScenes(): Scene[] {
  return [
    ...alertScenes(),
    { name: 'monitor-live', path: 'pages/monitor', services: fixtureServices() },
    readingArrives(),
    { name: 'monitor-loading', path: 'pages/monitor', services: fixtureServices({ api: { patients: never } }) },
    { name: 'monitor-empty', path: 'pages/monitor', services: fixtureServices({ api: { patients: async () => ({ ok: true, data: [] }) } }) },
    { name: 'monitor-error', path: 'pages/monitor', services: fixtureServices({ api: { patients: unavailable } }) },
    {
      name: 'monitor-device-offline',
      path: 'pages/monitor',
      services: fixtureServices({
        api: {
          patient: async () => ({ ok: true, data: patientDetail(PATIENTS[0], [offlineDevice]) }),
          history: async (q) => ({ ok: true, data: { patientId: q.patientId, from: q.from, to: q.to, kind: 'raw', readings: [] } }),
          controlState: async (deviceId) => ({
            ok: true,
            data: { deviceId, online: false, reported: { enabled: true, intervalS: 60, at: NOW - 3_600_000 }, audit: [] },
          }),
        },
      }),
    },
    {
      name: 'monitor-measurement-off',
      path: 'pages/monitor',
      services: fixtureServices({
        api: {
          controlState: async (deviceId) => ({
            ok: true,
            data: { deviceId, online: true, desired: { enabled: false, intervalS: 60, at: NOW - 2 * 3_600_000, by: 'u_sis' }, audit: [] },
          }),
        },
      }),
    },
    {
      name: 'monitor-command-pending',
      path: 'pages/monitor',
      services: fixtureServices({ api: { measureNow: never } }),
      act: ({ instance }) => void (instance.onMeasure as () => void)(),
    },
    {
      name: 'monitor-command-queued',
      path: 'pages/monitor',
      services: fixtureServices({
        api: {
          setMeasurement: async () => ({
            ok: true,
            data: { result: 'timeout', detail: 'device offline', offline: true, desired: { enabled: true, intervalS: 300 }, pending: true },
          }),
        },
      }),
      act: ({ instance }) => void (instance.onInterval as (e: unknown) => void)({ detail: { intervalS: 300 } }),
    },
    { name: 'monitor-dark', path: 'pages/monitor', services: fixtureServices(), colorScheme: 'dark' },
    { name: 'me-dark', path: 'pages/me', services: fixtureServices(), colorScheme: 'dark' },
    { name: 'monitor-big-text', path: 'pages/monitor', services: fixtureServices({ bigText: true }) },
    { name: 'history-today', path: 'pages/history', services: fixtureServices() },
    {
      name: 'history-7-days',
      path: 'pages/history',
      services: fixtureServices(),
      act: ({ instance }) => void (instance.onPreset as (e: unknown) => void)({ detail: { preset: '7d' } }),
    },
    {
      name: 'history-30-days',
      path: 'pages/history',
      services: fixtureServices(),
      act: ({ instance }) => void (instance.onPreset as (e: unknown) => void)({ detail: { preset: '30d' } }),
    },
    { name: 'history-loading', path: 'pages/history', services: fixtureServices({ api: { history: never } }) },
    {
      name: 'history-empty',
      path: 'pages/history',
      services: fixtureServices({
        api: { history: async (q) => ({ ok: true, data: { patientId: q.patientId, from: q.from, to: q.to, kind: 'raw', readings: [] } }) },
      }),
    },
    { name: 'history-error', path: 'pages/history', services: fixtureServices({ api: { history: unavailable } }) },
    { name: 'me-with-patients', path: 'pages/me', services: fixtureServices() },
    {
      name: 'me-patient-offline',
      path: 'pages/me',
      services: fixtureServices({
        api: {
          myDevices: async () => ({
            ok: true,
            data: [
              { ...DEVICE, patientId: 'p_mom', lastReading: { ts: NOW - 60_000, temperature: 36.5, heartRate: 76, spo2: 92 } },
              { ...offlineDevice, id: 'rpm/bedside-02', patientId: 'p_dad' },
            ],
          }),
        },
      }),
    },
    { name: 'me-opened-from-invite-card', path: 'pages/me', services: fixtureServices(), query: { invite: 'K7Q2M9XD' } },
    { name: 'me-privacy-request', path: 'pages/me', services: fixtureServices({ privacy: waitingPrivacy() }) },
    { name: 'me-big-text', path: 'pages/me', services: fixtureServices({ bigText: true }) },
    { name: 'me-new-user', path: 'pages/me', services: fixtureServices({ api: { patients: async () => ({ ok: true, data: [] }) } }) },
    { name: 'me-profile-avatar', path: 'pages/me', services: fixtureServices({ user: USER_WITH_AVATAR }) },
    {
      name: 'me-edit-nickname',
      path: 'pages/me',
      services: fixtureServices({ user: USER_WITH_AVATAR }),
      act: ({ instance }) => void (instance.onEditName as () => void)(),
    },
    {
      name: 'me-avatar-error',
      path: 'pages/me',
      services: fixtureServices({ avatars: { upload: async () => err(ErrorCode.PayloadTooLarge, 'the image is over 512 KiB') } }),
      act: ({ instance }) => (instance.onChooseAvatar as (e: unknown) => Promise<void>)({ detail: { avatarUrl: 'wxfile://tmp_big.jpg' } }),
    },
    {
      name: 'me-avatar-uploading',
      path: 'pages/me',
      services: fixtureServices({ avatars: { upload: never } }),
      act: ({ instance }) => void (instance.onChooseAvatar as (e: unknown) => Promise<void>)({ detail: { avatarUrl: 'wxfile://tmp_1.jpg' } }),
    },
    { name: 'me-add-patient', path: 'pages/me', services: fixtureServices(), act: ({ instance }) => void (instance.onStartCreate as () => void)() },
    {
      name: 'me-redeem-error',
      path: 'pages/me',
      services: fixtureServices({ api: { redeemInvite: async () => err(ErrorCode.Conflict, 'this invite code has expired') } }),
      act: async ({ instance }) => {
        (instance.onRedeemInput as (e: unknown) => void)({ detail: { value: 'K7Q2 M9XD' } });
        await (instance.onRedeem as () => Promise<void>)();
      },
    },
    {
      name: 'patient-owner',
      path: 'family/patient',
      services: fixtureServices(),
      query: { id: 'p_mom' },
      act: ({ instance }) => (instance.onInvite as () => Promise<void>)(),
    },
    {
      name: 'patient-owner-editing',
      path: 'family/patient',
      services: fixtureServices(),
      query: { id: 'p_mom' },
      act: ({ instance }) => void (instance.onEdit as () => void)(),
    },
    { name: 'patient-family', path: 'family/patient', services: fixtureServices(), query: { id: 'p_dad' } },
    {
      name: 'patient-no-device',
      path: 'family/patient',
      services: fixtureServices({
        api: {
          patient: async () => ({ ok: true, data: patientDetail(PATIENTS[0], []) }),
          bindDevice: async () => err(ErrorCode.NotFound, 'no device has this code'),
        },
      }),
      query: { id: 'p_mom' },
      act: async ({ instance }) => {
        (instance.onBindInput as (e: unknown) => void)({ detail: { value: '7K3QD-M9X2Q' } });
        await (instance.onBind as () => Promise<void>)();
      },
    },
  ];
}

export function componentScenes(): Scene[] {
  const tile = { vital: 'heartRate', label: '心率', unit: '次/分', range: '正常 51–90' };
  return [
    { name: 'vital-tile-fresh', path: 'components/vital-tile', width: 230, props: { ...tile, value: '74', time: '09:59:40', state: 'fresh', selected: true } },
    {
      name: 'vital-tile-out-of-range',
      path: 'components/vital-tile',
      width: 230,
      props: { ...tile, value: '112', time: '10:00:00', state: 'fresh', flag: '偏快' },
    },
    { name: 'vital-tile-stale', path: 'components/vital-tile', width: 230, props: { ...tile, value: '71', time: '09:15:02 · 44 分钟前', state: 'stale' } },
    {
      name: 'vital-tile-offline',
      path: 'components/vital-tile',
      width: 230,
      props: { ...tile, value: '71', time: '09:15:02 · 44 分钟前', state: 'offline' },
    },
    { name: 'vital-tile-empty', path: 'components/vital-tile', width: 230, props: { ...tile, value: '--', state: 'empty' } },
    {
      name: 'device-control-idle',
      path: 'components/device-control',
      props: { online: true, enabled: true, intervalS: 60, deviceLabel: '卧室床旁终端', changed: '张丽于今天 09:00修改了设置' },
    },
    {
      name: 'device-control-pending',
      path: 'components/device-control',
      props: { online: true, enabled: true, intervalS: 60, pending: 'measure', outcome: { kind: 'pending', text: '正在请求设备测量…' } },
    },
    {
      name: 'device-control-failed',
      path: 'components/device-control',
      props: { online: true, enabled: true, intervalS: 60, outcome: { kind: 'failed', text: '设备未响应（超时），请稍后重试' } },
    },
    {
      name: 'device-control-offline',
      path: 'components/device-control',
      props: {
        online: false,
        enabled: false,
        intervalS: 300,
        outcome: { kind: 'queued', text: '设备离线：设置已保存，设备上线后自动生效' },
      },
    },
    { name: 'status-view-loading', path: 'components/status-view', props: { state: 'loading' } },
    {
      name: 'status-view-error',
      path: 'components/status-view',
      props: { state: 'error', message: '网络或服务暂不可用，请稍后重试', action: '重试' },
    },
    {
      name: 'status-view-empty',
      path: 'components/status-view',
      props: { state: 'empty', title: '这段时间没有测量数据', message: '换一个时间范围试试。' },
    },
    {
      name: 'alert-banner-warning',
      path: 'components/alert-banner',
      props: { alerts: [alertView(alertFixture({ kind: 'temperature', severity: 'warning', value: 38.6 }), {}, 'u_me', NOW)] },
    },
    {
      name: 'alert-banner-acknowledging',
      path: 'components/alert-banner',
      props: { alerts: [alertView(ALERT_ACTIVE, {}, 'u_me', NOW)], busy: ALERT_ACTIVE.id },
    },
    { name: 'patient-tabs', path: 'components/patient-tabs', props: { patients: PATIENTS.map((p) => ({ id: p.id, name: p.name })), selected: 'p_mom' } },
    {
      name: 'range-picker-custom',
      path: 'components/range-picker',
      props: { selected: 'custom', customFrom: '2026-11-01', customTo: '2026-11-20', maxDate: '2026-11-27' },
    },
    { name: 'user-avatar-picture', path: 'components/user-avatar', width: 128, props: { src: AVATAR_PICTURE, name: '张伟', size: 'large' } },
    { name: 'user-avatar-initial', path: 'components/user-avatar', width: 128, props: { src: '', name: '张伟', size: 'large' } },
    {
      name: 'profile-form',
      path: 'components/profile-form',
      props: { initial: { name: '王秀英', sexIndex: 0, birthDate: '1948-03-12', notes: '高血压' }, today: '2026-11-27' },
    },
  ];
}
