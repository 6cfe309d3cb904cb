/**
 * @jest-environment node
 *
 * For older eyes (#13, 适老化), checked in the style sheets themselves: no text under 28rpx, and
 * every rule that sets both a text colour and a background keeps a contrast of at least 4.5:1
 * (WCAG 2.x relative luminance, https://www.w3.org/TR/WCAG21/#dfn-contrast-ratio). The chart's
 * "no data" placeholder sits on the chart's white panel.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { MINIPROGRAM_ROOT } from './helpers/render';

function wxssFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (name === 'lib' || name === 'node_modules') return [];
    return statSync(p).isDirectory() ? wxssFiles(p) : p.endsWith('.wxss') ? [p] : [];
  });
}

function luminance(hex: string): number {
  const h = hex.length === 4 ? hex.replace(/[0-9a-f]/gi, (c) => c + c).slice(1) : hex.slice(1);
  const [r, g, b] = [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function contrast(a: string, b: string): number {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

/** `selector { body }` pairs, nested @media blocks flattened. */
function rules(css: string): Array<{ selector: string; body: string }> {
  const out: Array<{ selector: string; body: string }> = [];
  const text = css.replace(/\/\*[\s\S]*?\*\//g, '');
  for (const m of text.matchAll(/([^{}]+)\{([^{}]*)\}/g)) out.push({ selector: m[1].replace(/^.*\{/s, '').trim(), body: m[2] });
  return out;
}

const decl = (body: string, prop: string): string | undefined => new RegExp(`(?:^|;)\\s*${prop}\\s*:\\s*([^;]+)`).exec(body)?.[1].trim();

const files = wxssFiles(MINIPROGRAM_ROOT);

test('contrast is computed as WCAG defines it', () => {
  expect(contrast('#000', '#fff')).toBeCloseTo(21, 5);
  expect(contrast('#bfbfbf', '#fff')).toBeLessThan(4.5); // the old grey placeholder: 1.8:1
  expect(contrast('#595959', '#ffffff')).toBeGreaterThan(7);
});

test('no text is smaller than 28rpx', () => {
  const small: string[] = [];
  for (const f of files) {
    for (const m of readFileSync(f, 'utf8').matchAll(/font-size:\s*(?:calc\()?(\d+)rpx/g))
      if (Number(m[1]) < 28) small.push(`${relative(MINIPROGRAM_ROOT, f)}: ${m[0]}`);
  }
  expect(small).toEqual([]);
});

test('text on its own background has a contrast of at least 4.5:1', () => {
  const low: string[] = [];
  let checked = 0;
  for (const f of files) {
    for (const r of rules(readFileSync(f, 'utf8'))) {
      const color = decl(r.body, 'color');
      const bg = decl(r.body, 'background(?:-color)?');
      if (!color || !bg || !/^#[0-9a-f]{3,6}$/i.test(color) || !/^#[0-9a-f]{3,6}$/i.test(bg)) continue;
      checked++;
      const c = contrast(color, bg);
      if (c < 4.5) low.push(`${relative(MINIPROGRAM_ROOT, f)} ${r.selector}: ${color} on ${bg} = ${c.toFixed(2)}:1`);
    }
  }
  expect(low).toEqual([]);
  expect(checked).toBeGreaterThan(20);
});

test('the chart placeholder ("最近 10 分钟没有测量数据") is readable on the white chart panel', () => {
  const css = readFileSync(join(MINIPROGRAM_ROOT, 'components', 'chart', 'index.wxss'), 'utf8');
  const placeholder = rules(css).find((r) => r.selector === '.chart__placeholder')!;
  expect(contrast(decl(placeholder.body, 'color')!, '#ffffff')).toBeGreaterThanOrEqual(4.5);
  expect(decl(placeholder.body, 'font-size')).toMatch(/^calc\(28rpx/);
  // The preview pictures draw it the same way (they replace the canvas with a stand-in).
  const stub = readFileSync(join(__dirname, '..', '..', 'preview', 'render.ts'), 'utf8');
  const stubColor = /\.chart-stub \{[^}]*color: (#[0-9a-f]+)/i.exec(stub)![1];
  expect(contrast(stubColor, '#ffffff')).toBeGreaterThanOrEqual(4.5);
});
