// The status page: one self-contained HTML file (inline CSS and SVG, no script, nothing fetched)
// a person reads at a glance: the health checks, the last 30 runs, files and bytes uploaded per
// day over 30 days, and the failures with their messages.
import fs from 'node:fs';
import path from 'node:path';
import { formatBytes } from '../humanize.ts';
import type { CheckResult } from '../health/checks.ts';
import type { RunSummary } from '../report/summary.ts';

export interface StatusInput {
  readonly generatedAt: Date;
  readonly records: readonly RunSummary[];
  // The health checks, when they were run (test-sync); the watch's /status shows runs only.
  readonly checks?: readonly CheckResult[];
  readonly host: string;
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
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

function barChart(
  title: string,
  points: ReadonlyArray<{ day: string; value: number }>,
  label: (n: number) => string,
): string {
  const [w, h, pad] = [720, 160, 28];
  const max = Math.max(1, ...points.map((p) => p.value));
  const bw = (w - pad) / points.length;
  const bars = points.map((p, i) => {
    const bh = Math.round((p.value / max) * (h - pad));
    return `<rect x="${(pad + i * bw + 1).toFixed(1)}" y="${h - pad / 2 - bh}" width="${(bw - 2).toFixed(1)}" height="${bh}" class="bar"><title>${p.day}: ${esc(label(p.value))}</title></rect>`;
  });
  const ticks = [0, Math.floor(points.length / 2), points.length - 1].map(
    (i, n) =>
      `<text x="${(n === 2 ? w : pad + i * bw).toFixed(1)}" y="${h - 2}" class="tick"${n === 2 ? ' text-anchor="end"' : ''}>${points[i]!.day.slice(5)}</text>`,
  );
  return `<figure><figcaption>${esc(title)} (max ${esc(label(max))} a day)</figcaption><svg role="img" aria-label="${esc(title)}" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}">${bars.join('')}${ticks.join('')}<line x1="${pad}" x2="${w}" y1="${h - pad / 2}" y2="${h - pad / 2}" class="axis"/></svg></figure>`;
}

function checksSection(checks: readonly CheckResult[] | undefined): string {
  if (!checks)
    return '<p class="muted">Health checks not run here: <code>npx zx scripts/test-sync.ts --html FILE</code> runs them.</p>';
  const rows = checks.map(
    (c) =>
      `<tr class="${c.status}"><td class="st">${c.status.toUpperCase()}</td><td>${esc(c.name)}</td><td>${esc(c.detail)}</td></tr>`,
  );
  return `<table id="checks"><tr><th>result</th><th>check</th><th>detail</th></tr>${rows.join('')}</table>`;
}

function runsSection(records: readonly RunSummary[]): string {
  const last = records.slice(-30).reverse();
  if (!last.length) return '<p class="muted">No runs recorded yet.</p>';
  const rows = last.map(
    (r) =>
      `<tr class="${r.status === 'ok' ? 'pass' : 'fail'}"><td>${esc(r.finishedAt.replace('T', ' ').slice(0, 19))}</td><td>${esc(r.status)}${r.dryRun ? ' (dry run)' : ''}</td><td class="n">${(r.durationMs / 1000).toFixed(1)} s</td><td class="n">${r.uploaded}</td><td class="n">${esc(formatBytes(r.bytesUploaded))}</td><td class="n">${r.failed + r.conflicts}</td></tr>`,
  );
  return `<table id="runs"><tr><th>finished (UTC)</th><th>status</th><th>duration</th><th>uploaded</th><th>bytes</th><th>failed</th></tr>${rows.join('')}</table>`;
}

function failuresSection(records: readonly RunSummary[], checks: readonly CheckResult[] | undefined): string {
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
            .map((p) => `${p.path}: ${p.detail}`)
            .join('; ') ||
          r.processing?.error ||
          r.status;
        return `<li><b>${esc(r.finishedAt.replace('T', ' ').slice(0, 19))}</b> (${esc(r.status)}): ${esc(what)}</li>`;
      }),
  ];
  return items.length
    ? `<ul id="failures">${items.join('')}</ul>`
    : '<p class="muted" id="failures">No failures in the last 30 runs.</p>';
}

const CSS = `body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222;max-width:900px}h1{font-size:20px}h2{font-size:16px;margin-top:28px}
.badge{display:inline-block;padding:4px 10px;border-radius:4px;color:#fff;font-weight:bold}.ok{background:#2e7d32}.bad{background:#c62828}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:4px 8px;text-align:left}td.n{text-align:right}
tr.fail td.st,tr.fail td:nth-child(2){color:#c62828;font-weight:bold}tr.pass td.st{color:#2e7d32;font-weight:bold}tr.warn td.st{color:#ef6c00}
.bar{fill:#1565c0}.axis{stroke:#999}.tick{font-size:10px;fill:#555}.muted{color:#777}figure{margin:8px 0}figcaption{font-weight:bold}`;

export function renderStatusPage(input: StatusInput): string {
  const lastRun = [...input.records].reverse().find((r) => !r.dryRun);
  const failing =
    (input.checks ?? []).some((c) => c.status === 'fail') || (lastRun !== undefined && lastRun.status !== 'ok');
  const days = perDay(input.records, input.generatedAt);
  const verdict = failing
    ? '<span class="badge bad" id="verdict">FAILING</span>'
    : '<span class="badge ok" id="verdict">HEALTHY</span>';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>telegram-sync status: ${failing ? 'FAILING' : 'healthy'}</title><style>${CSS}</style></head><body>
<h1>telegram-sync on ${esc(input.host)} ${verdict}</h1><p class="muted">generated ${esc(input.generatedAt.toISOString())}; last run ${lastRun ? `${esc(lastRun.finishedAt)} (${esc(lastRun.status)})` : 'none'}</p>
<h2>Health checks</h2>${checksSection(input.checks)}
<h2>Uploads per day, last 30 days</h2>${barChart(
    'files uploaded per day',
    days.map((d) => ({ day: d.day, value: d.files })),
    (n) => `${n} files`,
  )}${barChart(
    'bytes uploaded per day',
    days.map((d) => ({ day: d.day, value: d.bytes })),
    formatBytes,
  )}
<h2>Last 30 runs</h2>${runsSection(input.records)}
<h2>Failures</h2>${failuresSection(input.records, input.checks)}
</body></html>
`;
}

// Written whole, then renamed into place (a browser or web server never reads half a page).
export function writeStatusPage(file: string, input: StatusInput): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(`${file}.tmp-${process.pid}`, renderStatusPage(input));
  fs.renameSync(`${file}.tmp-${process.pid}`, file);
}
