// The status page's HTML made of parts: text escaped, elements from their attributes, and the
// per-day bar chart as inline SVG.

export const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

type Attrs = Readonly<Record<string, string | number | undefined>>;

// An element; `content` is HTML already (escape text with esc). No content: a self-closed tag.
export function tag(name: string, attrs: Attrs, content?: string): string {
  const list = Object.entries(attrs)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${esc(String(v))}"`)
    .join('');
  return content === undefined ? `<${name}${list}/>` : `<${name}${list}>${content}</${name}>`;
}

export type ChartPoint = { readonly day: string; readonly value: number };

// A bar per day, a y-axis (0, half, max) and a date under every seventh bar counted back from
// today. Drawn twice, for a wide and a narrow page (CSS shows one: no script), each scaled to the
// page's width, so its labels stay readable on a phone.
export function barChart(title: string, points: readonly ChartPoint[], label: (n: number) => string): string {
  const svg = (w: number, h: number, cls: string) => chartSvg(title, points, label, { w, h, cls });
  return tag('figure', {}, tag('figcaption', {}, esc(title)) + svg(880, 170, 'wide') + svg(400, 150, 'narrow'));
}

function chartSvg(
  title: string,
  points: readonly ChartPoint[],
  label: (n: number) => string,
  o: { w: number; h: number; cls: string },
): string {
  const [w, h, left, bottom, right] = [o.w, o.h, 64, 18, 18];
  const base = h - bottom;
  const max = Math.max(1, ...points.map((p) => p.value));
  const bw = (w - left - right) / points.length;
  const y = (v: number) => base - Math.round((v / max) * (base - 8));
  const bars = points.map((p, i) => {
    const top = y(p.value);
    const box = { x: (left + i * bw + 1).toFixed(1), y: top, width: (bw - 2).toFixed(1), height: base - top };
    return tag('rect', { ...box, class: 'bar' }, tag('title', {}, `${p.day}: ${esc(label(p.value))}`));
  });
  const yTicks = [0, max / 2, max].map(
    (v) =>
      tag('text', { x: left - 6, y: y(v) + 4, class: 'tick', 'text-anchor': 'end' }, esc(label(Math.round(v)))) +
      tag('line', { x1: left - 3, x2: left, y1: y(v), y2: y(v), class: 'axis' }),
  );
  const xTicks = points
    .map((p, i) => ({ p, i }))
    .filter(({ i }) => (points.length - 1 - i) % 7 === 0)
    .map(({ p, i }) => {
      const at = { x: (left + (i + 0.5) * bw).toFixed(1), y: h - 4 };
      return tag('text', { ...at, class: 'tick', 'text-anchor': 'middle' }, p.day.slice(5));
    });
  const axes =
    tag('line', { x1: left, x2: w - right, y1: base, y2: base, class: 'axis' }) +
    tag('line', { x1: left, x2: left, y1: 4, y2: base, class: 'axis' });
  const attrs = { class: o.cls, role: 'img', 'aria-label': title, viewBox: `0 0 ${w} ${h}` };
  const content = bars.join('') + axes + yTicks.join('') + xTicks.join('');
  return tag('svg', { ...attrs, preserveAspectRatio: 'xMinYMin meet' }, content);
}
