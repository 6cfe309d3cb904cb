/**
 * `npm run preview` end to end: every scene becomes a PNG at the 750-px design width (headless
 * Chromium), and each picture's page shows the state it is named after.
 */
import { execFile } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { componentScenes, pageScenes } from '../../preview/scenes';
import { annotateBuiltins } from '../../preview/simulate-host';
import { tempDir } from '../helpers/stack';

const ROOT = join(__dirname, '..', '..');

function pngSize(file: string): { width: number; height: number } {
  const b = readFileSync(file);
  expect(b.subarray(1, 4).toString('latin1')).toBe('PNG');
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

describe('npm run preview', () => {
  let out: ReturnType<typeof tempDir>;
  let stdout = '';
  beforeAll(async () => {
    out = tempDir('rpm-preview-test-');
    stdout = await new Promise<string>((resolve, reject) =>
      execFile(
        process.execPath,
        [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), join(ROOT, 'preview/index.ts'), '--out', out.path],
        { cwd: ROOT, timeout: 400_000 },
        (e, so, se) => (e ? reject(new Error(`${e.message}\n${se}`)) : resolve(so)),
      ),
    );
  }, 420_000);
  afterAll(() => out.remove());

  test('writes one PNG per scene and reports them as JSON on its last line', () => {
    const names = [...pageScenes(), ...componentScenes()].map((s) => s.name);
    const pngs = readdirSync(out.path).filter((f) => f.endsWith('.png'));
    expect(pngs.sort()).toEqual(names.map((n) => `${n}.png`).sort());
    expect(JSON.parse(stdout.trim().split('\n').at(-1)!)).toEqual({ pictures: names.length, out_dir: out.path });
  });

  test('pages are pictured at the 750-px design width, full length', () => {
    for (const s of pageScenes()) {
      const { width, height } = pngSize(join(out.path, `${s.name}.png`));
      expect(width).toBe(750);
      expect(height).toBeGreaterThanOrEqual(1334);
    }
  });

  test.each([
    ['monitor-live', ['王秀英', '36.6', '74', '97', '测量控制', '<svg']],
    ['monitor-reading-arrives', ['38.2', '112', '91']],
    ['monitor-device-offline', ['设备离线', '最近 10 分钟没有测量数据']],
    ['monitor-command-pending', ['正在请求设备测量']],
    ['monitor-command-queued', ['设备上线后自动生效', '5 分钟']],
    ['monitor-empty', ['还没有关注的家人']],
    ['monitor-error', ['网络或服务暂不可用']],
    ['history-7-days', ['每日概况', '没有数据：设备离线或测量已关闭', '体温偏高 4 小时', '正常范围', '<svg']],
    ['history-empty', ['这段时间没有测量数据']],
    ['me-new-user', ['欢迎使用家人健康守护']],
    ['me-redeem-error', ['邀请码已被使用或已过期']],
    ['patient-owner', ['K7Q2 M9XD', '解绑', '移除']],
    ['patient-family', ['不再关注']],
    ['patient-no-device', ['没有找到该绑定码对应的设备', '还没有绑定设备']],
    ['monitor-alert-active', ['紧急', '血氧 88%，偏低', '还没有人确认', '我知道了（确认）', '最新测量在正常范围', '提醒尚未解除，见上方']],
    ['monitor-alert-arrives', ['血氧 88%，偏低', '我知道了（确认）']],
    ['monitor-alert-acknowledged', ['张丽已确认', '已打电话，妈妈说在休息']],
    ['monitor-alert-escalated', ['还没有人确认，已再次提醒全家 2 次']],
    ['alerts-resolved', ['已恢复', '加载更早的提醒']],
    ['alerts-snooze', ['暂停「血氧」的微信提醒多久？', '24 小时']],
    ['alert-settings-quota-exhausted', ['微信提醒次数已用完', '开启微信提醒']],
    ['alert-settings-family', ['只有管理者可以修改这些设置']],
    ['me-alerts', ['紧急 · 1 条提醒还没有人确认', '没有待处理的提醒']],
    ['patient-contacts-call', ['一键拨打', '张丽（女儿）', '打电话']],
  ])('%s shows its state', (name, texts) => {
    const html = readFileSync(join(out.path, 'html', `${name}.html`), 'utf8');
    for (const t of texts) expect(html).toContain(t);
  });
});

test.each([
  [
    '<input class="a" value="{{x}}" placeholder="名字" />',
    '<input class="a" value="{{x}}" placeholder="名字"  data-preview-value="{{x}}" data-preview-placeholder="名字"/>',
  ],
  ['<switch checked="{{on}}" bindchange="f" />', '<switch checked="{{on}}" bindchange="f"  data-preview-checked="{{on}}"/>'],
  ['<view value="{{x}}">', '<view value="{{x}}">'],
])('the preview copy passes built-in values on as data attributes: %s', (wxml, expected) => {
  expect(annotateBuiltins(wxml)).toBe(expected);
});
