// The benchmark's table: per scenario and metric, each tool's figures (one per repetition) and
// this project's ratio to the best peer (below 1.0 is better than every peer).
import type { Measured } from './measure.ts';

export interface Row {
  readonly tool: string;
  readonly scenario: string;
  readonly rep: number;
  readonly m: Measured;
}

const METRICS: Array<[string, (m: Measured) => number, number]> = [
  ['wall s', (m) => m.wallS, 1],
  ['client CPU s', (m) => m.cpuS, 1],
  ['peak RSS MB', (m) => m.rssMB, 0],
  ['server CPU s', (m) => m.serverCpuS, 1],
];

export function printTable(rows: readonly Row[], tools: readonly string[], ours: string): void {
  const peers = tools.filter((t) => t !== ours);
  const scenarios = [...new Set(rows.map((r) => r.scenario))];
  console.log(`\n| scenario | metric | ${tools.join(' | ')} | ${ours} / best peer |`);
  console.log(`|---|---|${tools.map(() => '---|').join('')}---|`);
  for (const scenario of scenarios) {
    for (const [metric, get, digits] of METRICS) {
      // A run that exited non-zero is marked (its figure still counts: it is what the tool did).
      const cell = (tool: string) =>
        rows
          .filter((r) => r.tool === tool && r.scenario === scenario)
          .map((r) => `${get(r.m).toFixed(digits)}${r.m.exitCode ? ` (exit ${r.m.exitCode})` : ''}`);
      const mean = (tool: string) => {
        const v = rows.filter((r) => r.tool === tool && r.scenario === scenario).map((r) => get(r.m));
        return v.length ? v.reduce((a, b) => a + b, 0) / v.length : undefined;
      };
      const best = Math.min(...peers.map(mean).filter((v): v is number => v !== undefined));
      const mine = mean(ours);
      const ratio = mine !== undefined && Number.isFinite(best) && best > 0 ? `${(mine / best).toFixed(2)}x` : '-';
      console.log(
        `| ${scenario} | ${metric} | ${tools.map((t) => cell(t).join(' / ') || '-').join(' | ')} | ${ratio} |`,
      );
    }
  }
}

const meanOf = (
  rows: readonly Row[],
  tool: string,
  scenario: string,
  get: (m: Measured) => number,
): number | undefined => {
  const v = rows.filter((r) => r.tool === tool && r.scenario === scenario).map((r) => get(r.m));
  return v.length ? v.reduce((a, b) => a + b, 0) / v.length : undefined;
};

export interface TargetsOptions {
  // The 100,000-file tree: its own targets (first upload's wall; the no-op's absolute bounds).
  readonly small100k: boolean;
  readonly aws: string;
}

// The issue's targets for one tree on one server, each marked met or not from this run's means.
export function printTargets(rows: readonly Row[], tools: readonly string[], ours: string, o: TargetsOptions): void {
  const peers = tools.filter((t) => t !== ours);
  const best = (scenario: string, get: (m: Measured) => number) =>
    Math.min(...peers.map((t) => meanOf(rows, t, scenario, get)).filter((v): v is number => v !== undefined));
  const mine = (scenario: string, get: (m: Measured) => number) => meanOf(rows, ours, scenario, get);
  const lines: Array<[string, number | undefined, number, string]> = [];
  const ratio = (target: string, a: number | undefined, b: number, bound = 1) =>
    lines.push([target, a !== undefined && Number.isFinite(b) && b > 0 ? a / b : undefined, bound, 'x']);
  const absolute = (target: string, a: number | undefined, bound: number, unit: string) =>
    lines.push([target, a, bound, unit]);
  const wall = (m: Measured) => m.wallS;
  ratio('cold upload: wall ≤ 1.0x the best peer', mine('cold', wall), best('cold', wall));
  if (!o.small100k) {
    ratio(
      'cold upload: client CPU ≤ 1.0x the best peer',
      mine('cold', (m) => m.cpuS),
      best('cold', (m) => m.cpuS),
    );
    absolute(
      'cold upload: peak RSS ≤ 150 MB',
      mine('cold', (m) => m.rssMB),
      150,
      ' MB',
    );
  } else {
    absolute('no-op rerun: wall ≤ 1.6 s', mine('noop', wall), 1.6, ' s');
    absolute(
      'no-op rerun: peak RSS ≤ 150 MB',
      mine('noop', (m) => m.rssMB),
      150,
      ' MB',
    );
  }
  ratio(
    `rerun without our cache: wall ≤ 1.0x ${o.aws}'s no-op`,
    mine('cacheless', wall),
    meanOf(rows, o.aws, 'noop', wall) ?? NaN,
  );
  console.log('\n| target | this run | |\n|---|---|---|');
  for (const [target, v, bound, unit] of lines) {
    const shown =
      v === undefined ? '-' : unit === 'x' ? `${v.toFixed(2)}x` : `${v.toFixed(unit === ' s' ? 2 : 0)}${unit}`;
    console.log(`| ${target} | ${shown} | ${v === undefined ? 'not measured' : v <= bound ? 'met' : 'NOT met'} |`);
  }
}
