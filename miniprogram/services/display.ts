/**
 * How big the text is: 大字模式 when the user turned it on in 我的, or when WeChat's own font size
 * (设置 → 通用 → 字体大小, `fontSizeSetting`, 17 px by default on iOS, 16 on Android) is set
 * larger. The choice is kept in storage; the page roots switch a CSS variable (app.wxss).
 */
import type { StorageLike } from './session';

const KEY = 'display.bigText';
/** WeChat's font size at or above which the app starts in large text, px. */
export const BIG_FONT_SIZE_PX = 20;

export interface Display {
  /** Large text now: the stored choice, or else WeChat's font size. */
  bigText(): boolean;
  /** Stores the user's choice (it wins over WeChat's font size from then on). */
  setBigText(on: boolean): void;
}

export function createDisplay(storage: StorageLike, fontSizeSetting: () => number | undefined = () => undefined): Display {
  return {
    bigText() {
      const stored: unknown = storage.getStorageSync(KEY);
      if (stored === 'on' || stored === 'off') return stored === 'on';
      return (fontSizeSetting() ?? 0) >= BIG_FONT_SIZE_PX;
    },
    setBigText(on) {
      storage.setStorageSync(KEY, on ? 'on' : 'off');
    },
  };
}
