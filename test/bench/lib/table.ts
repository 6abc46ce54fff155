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
      const cell = (tool: string) => rows.filter((r) => r.tool === tool && r.scenario === scenario).map((r) => get(r.m).toFixed(digits));
      const mean = (tool: string) => {
        const v = rows.filter((r) => r.tool === tool && r.scenario === scenario).map((r) => get(r.m));
        return v.length ? v.reduce((a, b) => a + b, 0) / v.length : undefined;
      };
      const best = Math.min(...peers.map(mean).filter((v): v is number => v !== undefined));
      const mine = mean(ours);
      const ratio = mine !== undefined && Number.isFinite(best) && best > 0 ? `${(mine / best).toFixed(2)}x` : '-';
      console.log(`| ${scenario} | ${metric} | ${tools.map((t) => cell(t).join(' / ') || '-').join(' | ')} | ${ratio} |`);
    }
  }
}
