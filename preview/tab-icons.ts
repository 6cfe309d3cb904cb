/**
 * The tab bar's icons, drawn here as SVG and rendered to 81×81 PNG (WeChat's tab bar takes only
 * local PNG/JPG files, at most 40 KB): `npx tsx preview/tab-icons.ts` writes them to
 * `miniprogram/images/`, in the light and dark themes' colours (theme.json picks them).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { launchChromium } from './browser';

const OUT = resolve(__dirname, '..', 'miniprogram', 'images');

/** 24×24 outline drawings: a heart with a pulse, a calendar with a trend, a person. */
const SHAPES: Record<string, string> = {
  monitor: '<path d="M12 20s-7-4.4-7-10a4 4 0 0 1 7-2.6A4 4 0 0 1 19 10c0 5.6-7 10-7 10z"/><path d="M6.5 12h3l1.5-3 2 5 1.5-2h3"/>',
  history: '<rect x="3.5" y="5" width="17" height="15" rx="2"/><path d="M3.5 9.5h17M8 3v4M16 3v4"/><path d="M7 17l3-3 2.5 2 4-4.5"/>',
  me: '<circle cx="12" cy="8.5" r="4"/><path d="M4.5 20.5c.8-4 3.8-6.2 7.5-6.2s6.7 2.2 7.5 6.2"/>',
};

const COLOURS = { light: { normal: '#595959', active: '#0958d9' }, dark: { normal: '#bfbfbf', active: '#69b1ff' } };

function svg(shape: string, colour: string): string {
  return (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="81" height="81" fill="none" ' +
    `stroke="${colour}" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round">${shape}</svg>`
  );
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 81, height: 81 } });
    for (const [name, shape] of Object.entries(SHAPES)) {
      for (const [theme, c] of Object.entries(COLOURS)) {
        for (const [state, colour] of Object.entries(c)) {
          await page.setContent(`<body style="margin:0;background:transparent">${svg(shape, colour)}</body>`);
          const file = join(OUT, `tab-${name}${state === 'active' ? '-active' : ''}${theme === 'dark' ? '-dark' : ''}.png`);
          writeFileSync(file, await page.screenshot({ omitBackground: true, clip: { x: 0, y: 0, width: 81, height: 81 } }));
        }
      }
    }
  } finally {
    await browser.close();
  }
}

void main();
