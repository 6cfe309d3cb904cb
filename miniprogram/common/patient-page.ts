/**
 * What every page about one patient opened with `?id=` does the same way (家人详情, 提醒, 提醒设置):
 * take the id from the query, follow the user's 大字模式 and load afresh each time it shows (the
 * family may have changed something on another phone meanwhile). Spread into a page's `methods`;
 * the page provides `load()`.
 */
import type { Services } from '../services/index';
import { servicesOf } from '../services/provider';

/** What these methods need of the page they are spread into. */
interface PatientPage {
  setData(data: { patientId?: string; big?: boolean }): void;
  services(): Services;
  load(): Promise<unknown>;
}

export const patientPageMethods = {
  services(this: object): Services {
    return servicesOf(this);
  },
  onLoad(this: PatientPage, query: Record<string, string | undefined>) {
    this.setData({ patientId: query.id ?? '' });
  },
  onShow(this: PatientPage) {
    this.setData({ big: this.services().display.bigText() });
    void this.load();
  },
};
