// lib/monitor/html.ts: elements and the chart as markup (the page as drawn: status-page.test.ts).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { barChart, esc, tag } from '../../lib/monitor/html.ts';

test('text and attributes are escaped; content is taken as markup; no content is a self-closed tag', () => {
  assert.is(esc(`<a href="x">&'`), '&#60;a href=&#34;x&#34;&#62;&#38;&#39;');
  assert.is(
    tag('td', { class: 'n', title: 'a"b', skip: undefined }, '<b>1</b>'),
    '<td class="n" title="a&#34;b"><b>1</b></td>',
  );
  assert.is(tag('line', { x1: 1 }), '<line x1="1"/>');
});

// And: the dates every seventh day counted back from the last.
test('the chart: a wide and a narrow drawing, a bar a day, three y ticks, a date a week', () => {
  const points = Array.from({ length: 30 }, (_, i) => ({ day: `2026-11-${String(i + 1).padStart(2, '0')}`, value: i }));
  const html = barChart('files <per> day', points, (n) => `${n} files`);
  assert.match(html, /^<figure><figcaption>files &#60;per&#62; day<\/figcaption><svg class="wide"/);
  assert.is((html.match(/<svg /g) ?? []).length, 2);
  assert.is((html.match(/<rect /g) ?? []).length, 60);
  assert.is((html.match(/text-anchor="end"/g) ?? []).length, 6);
  const dates = [...html.matchAll(/text-anchor="middle">([^<]+)</g)].map((m) => m[1]);
  assert.equal(dates.slice(0, 5), ['11-02', '11-09', '11-16', '11-23', '11-30']);
  assert.match(html, /<title>2026-11-30: 29 files<\/title>/);
});

test.run();
