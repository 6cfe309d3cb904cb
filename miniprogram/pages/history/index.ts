/**
 * 历史记录: a patient's vitals over a chosen range (presets or custom dates), one chart per vital
 * with min/avg/max bands when the range is bucketed, and the range's summary. Charts are drawn
 * through their instances, not through setData.
 */
import { type ChartOption, historyChartOption, type HistoryResult, VITAL_ORDER, type VitalKey } from '../../lib/core';
import { definePage, instanceFields } from '../../common/component';
import { errorText } from '../../common/errors';
import { dateText } from '../../common/time';
import { presetRange, type Preset } from '../../components/range-picker/model';
import { type PatientTab, patientTabs } from '../../components/patient-tabs/model';
import type { Services } from '../../services/index';
import { servicesOf } from '../../services/provider';
import { dailyResult, type DayRow, dayRows, DAILY_FROM_MS, historyQuery, rangeLabel, resolutionNote, summarize, type VitalSummary } from './view-model';

/** Points per chart: enough for a phone's width, small enough to draw at once. */
const MAX_POINTS = 300;

interface ChartHandle {
  setOption(option: ChartOption, notMerge?: boolean): void;
}

interface Fields {
  seq: number;
  result?: HistoryResult;
  /** Drawn by day (ranges of two days or more). */
  daily: boolean;
}

definePage({
  data: {
    /** 大字模式 (services/display). */
    big: false,
    state: 'loading',
    message: '',
    patients: [] as PatientTab[],
    patientId: '',
    preset: 'today' as Preset,
    customFrom: '',
    customTo: '',
    maxDate: '',
    range: { from: 0, to: 0 },
    rangeText: '',
    summaries: [] as VitalSummary[],
    /** The daily summary, newest day first (long ranges only). */
    days: [] as DayRow[],
    /** Days shown before 显示全部 (a 30-day list is long). */
    daysShown: 7,
    note: '',
  },
  methods: {
    fields(): Fields {
      return instanceFields<Fields>(this, () => ({ seq: 0, daily: false }));
    },
    services(): Services {
      return servicesOf(this);
    },
    onShow() {
      this.setData({ big: this.services().display.bigText() });
      void this.loadPatients();
    },
    async onPullDownRefresh() {
      await this.loadPatients();
      this.services().ui.stopPullDownRefresh?.();
    },
    async loadPatients() {
      const r = await this.services().api.patients();
      if (!r.ok) return this.setData({ state: 'error', message: errorText(r) });
      if (!r.data.length) return this.setData({ state: 'empty', patients: [] });
      const { patients, patientId } = patientTabs(r.data, this.data.patientId);
      this.setData({ patients, patientId });
      if (this.data.preset === 'custom') await this.loadRange(this.data.range.from, this.data.range.to);
      else await this.loadPreset(this.data.preset);
    },
    async loadPreset(preset: Exclude<Preset, 'custom'>) {
      const { from, to } = presetRange(preset, this.services().now());
      await this.loadRange(from, to);
    },
    async loadRange(from: number, to: number) {
      const f = this.fields();
      const seq = ++f.seq;
      const now = this.services().now();
      this.setData({ state: 'loading', range: { from, to }, maxDate: dateText(now), rangeText: rangeLabel(from, to, now) });
      const end = Math.min(to, now + 1);
      const r = await this.services().api.history(historyQuery(this.data.patientId, from, end, MAX_POINTS));
      if (seq !== f.seq) return;
      if (!r.ok) return this.setData({ state: 'error', message: errorText(r) });
      f.result = r.data;
      f.daily = end - from >= DAILY_FROM_MS && r.data.kind === 'buckets';
      const summaries = summarize(r.data);
      const empty = summaries.every((s) => s.n === 0);
      const days = f.daily ? dayRows(r.data, from, end, now) : [];
      // Charts are drawn once the view has the chart components (setData's callback).
      this.setData({ state: empty ? 'empty' : 'ready', summaries, days, daysShown: 7, note: resolutionNote(r.data, f.daily), message: '' }, () => {
        if (!empty) this.drawCharts();
      });
    },
    drawCharts() {
      const { result, daily } = this.fields();
      if (!result) return;
      // A daily summary: one point per day, the line broken where a whole day is missing.
      const shown = daily ? dailyResult(result) : result;
      for (const k of VITAL_ORDER) {
        const chart = this.selectComponent(`#chart-${k}`) as unknown as ChartHandle | null;
        chart?.setOption(historyChartOption(k as VitalKey, shown, daily ? { gapMs: 1.5 * 86_400_000 } : {}), true);
      }
    },
    onShowAllDays() {
      this.setData({ daysShown: this.data.days.length });
    },
    onSelectPatient(e: WechatMiniprogram.CustomEvent<{ id: string }>) {
      this.setData({ patientId: e.detail.id });
      void this.loadRange(this.data.range.from, this.data.range.to);
    },
    onPreset(e: WechatMiniprogram.CustomEvent<{ preset: Preset }>) {
      const preset = e.detail.preset;
      this.setData({ preset });
      if (preset !== 'custom') void this.loadPreset(preset);
    },
    onCustom(e: WechatMiniprogram.CustomEvent<{ from: number; to: number; fromText: string; toText: string }>) {
      this.setData({ customFrom: e.detail.fromText, customTo: e.detail.toText });
      void this.loadRange(e.detail.from, e.detail.to);
    },
    onStatusAction() {
      if (this.data.state === 'error') void this.loadPatients();
      else if (!this.data.patients.length) this.services().ui.switchTab('/pages/me/index');
    },
  },
});
