/**
 * `npm run preview`: pictures of every page and component in their main states, for people
 * without WeChat DevTools. Pages are rendered by miniprogram-simulate from fixtures, laid out by
 * headless Chromium at WeChat's 750-px design width (1 rpx = 1 px), and saved as PNG files.
 *
 *   npm run preview [-- --out DIR] [-- --only NAME-SUBSTRING]
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { launchChromium, serveCjkFont } from './browser';
import { componentScenes, pageScenes } from './scenes';
import { estimateTextWidths } from './chart-svg';
import { renderScene } from './render';
import { prepareCopy } from './simulate-host';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  // The pictures show times as a family in China sees them.
  process.env.TZ = process.env.PREVIEW_TZ ?? 'Asia/Shanghai';
  const out = resolve(arg('--out') ?? join(__dirname, '..', 'preview-out'));
  const only = arg('--only');
  const scenes = [...pageScenes(), ...componentScenes()].filter((s) => !only || s.name.includes(only));
  rmSync(out, { recursive: true, force: true });
  mkdirSync(join(out, 'html'), { recursive: true });
  const copy = prepareCopy();
  estimateTextWidths();
  const browser = await launchChromium();
  try {
    const context = await browser.newContext({ viewport: { width: 750, height: 1334 }, deviceScaleFactor: 1 });
    await serveCjkFont(context);
    const tab = await context.newPage();
    for (const scene of scenes) {
      const html = await renderScene(scene, copy.root);
      writeFileSync(join(out, 'html', `${scene.name}.html`), html);
      await tab.emulateMedia({ colorScheme: scene.colorScheme ?? 'light' });
      await tab.setContent(html, { waitUntil: 'load' });
      await tab.evaluate(() => document.fonts.ready);
      const file = join(out, `${scene.name}.png`);
      if (/^(pages|family)\//.test(scene.path)) await tab.screenshot({ path: file, fullPage: true, animations: 'disabled' });
      else await tab.locator('.preview-root').screenshot({ path: file, animations: 'disabled' });
      console.log(`preview: ${scene.name}.png`);
    }
  } finally {
    await browser.close();
    copy.dispose();
  }
  console.log(JSON.stringify({ pictures: scenes.length, out_dir: out }));
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(`preview failed: ${(e as Error).stack ?? e}`);
    process.exit(1);
  },
);
