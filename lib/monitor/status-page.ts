// The status page: one self-contained HTML file (inline CSS and SVG, no script, nothing fetched)
// a person reads at a glance: the health checks, the last 30 runs, files and bytes uploaded per
// day over 30 days, and the failures with their messages.
import fs from 'node:fs';
import path from 'node:path';
import { formatBytes } from '../humanize.ts';
import type { CheckResult } from '../health/checks.ts';
import type { RunSummary } from '../report/summary.ts';
import { barChart, esc, tag } from './html.ts';

export interface StatusInput {
  readonly generatedAt: Date;
  readonly records: readonly RunSummary[];
  // The health checks, when they were run (test-sync); the watch's /status shows runs only.
  readonly checks?: readonly CheckResult[];
  readonly host: string;
  // The download folders: a failed file's path is shown relative to its folder (the page may be
  // served to others, who need not learn the machine's layout).
  readonly sources?: readonly { readonly name: string; readonly path: string }[];
  // The zone times are shown in (default: this machine's); UTC is on hover.
  readonly timeZone?: string;
}

const DAY = 24 * 3600 * 1000;

function dayKey(d: Date): string {
  return d.toISOString().slice(0, 10);
}

// Files and bytes uploaded per UTC day, the last `days` days, oldest first (days without runs: 0).
export function perDay(
  records: readonly RunSummary[],
  until: Date,
  days = 30,
): Array<{ day: string; files: number; bytes: number }> {
  const out = Array.from({ length: days }, (_, i) => ({
    day: dayKey(new Date(until.getTime() - (days - 1 - i) * DAY)),
    files: 0,
    bytes: 0,
  }));
  const byDay = new Map(out.map((d) => [d.day, d]));
  for (const r of records) {
    const d = !r.dryRun ? byDay.get(dayKey(new Date(r.finishedAt))) : undefined;
    if (d) {
      d.files += r.uploaded;
      d.bytes += r.bytesUploaded;
    }
  }
  return out;
}

function checksSection(checks: readonly CheckResult[] | undefined): string {
  if (!checks) {
    const how = '<code>npx zx scripts/test-sync.ts --html FILE</code> runs them';
    return `<p class="muted">Health checks not run here: ${how}.</p>`;
  }
  const rows = checks.map((c) =>
    row(c.status, [tag('td', { class: 'st' }, c.status.toUpperCase()), cell(c.name), cell(c.detail)]),
  );
  return table('checks', ['result', 'check', 'detail'], rows);
}

const cell = (text: string, cls?: string) => tag('td', { class: cls }, esc(text));
const row = (cls: string, cells: readonly string[]) => tag('tr', { class: cls }, cells.join(''));

// A table in a box of its own that scrolls sideways on a narrow screen.
function table(id: string, head: readonly string[], rows: readonly string[]): string {
  const header = tag('tr', {}, head.map((h) => tag('th', {}, h)).join(''));
  return tag('div', { class: 'scroll' }, tag('table', { id }, header + rows.join('')));
}

// One formatter per zone (a page shows some 40 times).
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let made = formatters.get(timeZone);
  if (!made) {
    const fields = { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' } as const;
    made = new Intl.DateTimeFormat('en-CA', { timeZone, hourCycle: 'h23', ...fields, second: '2-digit' });
    formatters.set(timeZone, made);
  }
  return made;
}

// A time in the page's zone as "YYYY-MM-DD HH:MM:SS", the UTC instant on hover.
function timeIn(iso: string, timeZone: string): string {
  const parts = Object.fromEntries(
    formatterFor(timeZone)
      .formatToParts(new Date(iso))
      .map((p) => [p.type, p.value]),
  );
  const local = `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`;
  return tag('time', { datetime: iso, title: `${iso.replace('T', ' ').slice(0, 19)} UTC` }, local);
}

// Where a run wrote, short (host:port/bucket), the whole URL on hover.
function destinationCell(r: RunSummary): string {
  if (!r.destination) return cell('-', 'muted');
  const short = r.destination.replace(/^https?:\/\//, '');
  return tag('td', { class: 'dest', title: r.destination }, esc(short));
}

function runsSection(records: readonly RunSummary[], timeZone: string): string {
  const last = records.slice(-30).reverse();
  if (!last.length) return '<p class="muted">No runs recorded yet.</p>';
  const rows = last.map((r) =>
    row(r.status === 'ok' ? 'pass' : 'fail', [
      tag('td', {}, timeIn(r.finishedAt, timeZone)),
      cell(`${r.status}${r.dryRun ? ' (dry run)' : ''}`),
      destinationCell(r),
      cell(`${(r.durationMs / 1000).toFixed(1)} s`, 'n'),
      cell(String(r.uploaded), 'n'),
      cell(formatBytes(r.bytesUploaded), 'n'),
      cell(String(r.failed + r.conflicts), 'n'),
    ]),
  );
  return table('runs', ['finished', 'status', 'to', 'duration', 'uploaded', 'bytes', 'failed'], rows);
}

// A path as its download folder's name and the path within it.
function shownPath(p: string, sources: StatusInput['sources']): string {
  for (const s of sources ?? []) {
    if (p.startsWith(s.path + '/')) return `${s.name}/${p.slice(s.path.length + 1)}`;
  }
  return sources?.length ? path.basename(p) : p;
}

function failuresSection(input: StatusInput, timeZone: string): string {
  const { records, checks } = input;
  const items = [
    ...(checks ?? [])
      .filter((c) => c.status === 'fail')
      .map((c) => `<li><b>check ${esc(c.name)}</b>: ${esc(c.detail)}</li>`),
    ...records
      .slice(-30)
      .reverse()
      .filter((r) => r.status !== 'ok')
      .map((r) => {
        const what =
          r.error ||
          r.problems
            .slice(0, 5)
            .map((p) => `${shownPath(p.path, input.sources)}: ${p.detail}`)
            .join('; ') ||
          r.processing?.error ||
          r.status;
        return `<li><b>${timeIn(r.finishedAt, timeZone)}</b> (${esc(r.status)}): ${esc(what)}</li>`;
      }),
  ];
  return items.length
    ? `<ul id="failures">${items.join('')}</ul>`
    : '<p class="muted" id="failures">No failures in the last 30 runs.</p>';
}

const CSS = [
  'body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222;max-width:900px}',
  'h1{font-size:20px}h2{font-size:16px;margin-top:28px}',
  '.badge{display:inline-block;padding:4px 10px;border-radius:4px;color:#fff;font-weight:bold}',
  '.ok{background:#2e7d32}.bad{background:#c62828}',
  'table{border-collapse:collapse;width:100%}td.n{text-align:right}',
  'td,th{border-bottom:1px solid #ddd;padding:4px 8px;text-align:left}',
  'tr.fail td.st,tr.fail td:nth-child(2){color:#c62828;font-weight:bold}',
  'tr.pass td.st{color:#2e7d32;font-weight:bold}tr.warn td.st{color:#ef6c00}',
  '.bar{fill:#1565c0}.axis{stroke:#999}.tick{font-size:11px;fill:#555}.muted{color:#777}',
  'figure{margin:8px 0}figcaption{font-weight:bold}svg{display:block;width:100%;height:auto}',
  '.scroll{overflow-x:auto}td.dest{white-space:nowrap}time{white-space:nowrap}svg.narrow{display:none}',
  '@media (max-width:600px){body{margin:10px}td,th{padding:3px 4px}svg.wide{display:none}svg.narrow{display:block}}',
].join('\n');

export function renderStatusPage(input: StatusInput): string {
  const lastRun = [...input.records].reverse().find((r) => !r.dryRun);
  const failing =
    (input.checks ?? []).some((c) => c.status === 'fail') || (lastRun !== undefined && lastRun.status !== 'ok');
  const days = perDay(input.records, input.generatedAt);
  const timeZone = input.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  const verdict = failing
    ? '<span class="badge bad" id="verdict">FAILING</span>'
    : '<span class="badge ok" id="verdict">HEALTHY</span>';
  const title = `telegram-sync status: ${failing ? 'FAILING' : 'healthy'}`;
  const head =
    '<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">' +
    `${tag('title', {}, esc(title))}<style>${CSS}</style>`;
  const last = lastRun
    ? `${timeIn(lastRun.finishedAt, timeZone)} (${esc(lastRun.status)})` +
      (lastRun.destination ? ` to ${esc(lastRun.destination)}` : '')
    : 'none';
  const generated = timeIn(input.generatedAt.toISOString(), timeZone);
  const about = `generated ${generated}; last run ${last}; times in ${esc(timeZone)} (UTC on hover)`;
  const charts =
    barChart('files uploaded per day, last 30 days', perDayOf(days, 'files'), (n) => `${n} files`) +
    barChart('bytes uploaded per day, last 30 days', perDayOf(days, 'bytes'), formatBytes);
  return `<!doctype html><html lang="en"><head>${head}</head><body>
<h1>telegram-sync on ${esc(input.host)} ${verdict}</h1><p class="muted">${about}</p>
<h2>Health checks</h2>${checksSection(input.checks)}
<h2>Uploads per day, last 30 days</h2>${charts}
<h2>Last 30 runs</h2>${runsSection(input.records, timeZone)}
<h2>Failures</h2>${failuresSection(input, timeZone)}
</body></html>
`;
}

const perDayOf = (days: ReturnType<typeof perDay>, what: 'files' | 'bytes') =>
  days.map((d) => ({ day: d.day, value: d[what] }));

// Written whole, then renamed into place (a browser or web server never reads half a page).
export function writeStatusPage(file: string, input: StatusInput): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(`${file}.tmp-${process.pid}`, renderStatusPage(input));
  fs.renameSync(`${file}.tmp-${process.pid}`, file);
}
