// Summarise a V8 .cpuprofile (node --cpu-prof): self time per function, the top 14.
// Usage: node test/bench/prof-top.mjs FILE.cpuprofile
import fs from 'node:fs';
const file = process.argv[2];
const p = JSON.parse(fs.readFileSync(file, 'utf8'));
const dt = new Map();
for (let i = 0; i < p.samples.length; i++) dt.set(p.samples[i], (dt.get(p.samples[i]) ?? 0) + (p.timeDeltas[i] ?? 0));
const byNode = new Map(p.nodes.map((n) => [n.id, n]));
const self = new Map();
let total = 0;
for (const [id, us] of dt) {
  const n = byNode.get(id);
  const cf = n.callFrame;
  const k = `${cf.functionName || '(anon)'} ${cf.url.split('/').slice(-2).join('/')}:${cf.lineNumber}`;
  self.set(k, (self.get(k) ?? 0) + us);
  total += us;
}
console.log(`total ${(total / 1e6).toFixed(2)} s sampled`);
for (const [k, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(process.env.TOP ?? 14)))
  console.log(`${(us / 1e6).toFixed(2)} s ${((100 * us) / total).toFixed(1)}%  ${k}`);
