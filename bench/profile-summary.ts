/**
 * Self time per function and per file (or package) of V8 CPU profiles (.cpuprofile, e.g. the shopper-path
 * bench's BENCH_CPU_PROF=dir), summed over every file given:
 *   npx tsx bench/profile-summary.ts /tmp/prof/*.cpuprofile [--top 40] [--match guest]
 */
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const args = process.argv.slice(2);
const top = Number(args[args.indexOf('--top') + 1]) || 40;
const match = args.includes('--match') ? args[args.indexOf('--match') + 1] : undefined;
const files = args.filter(
  (a, i) => a.endsWith('.cpuprofile') && (!match || a.includes(match)) && args[i - 1] !== '--top',
);

const byFn = new Map<string, number>();
const byFile = new Map<string, number>();
const byTotal = new Map<string, number>();
let total = 0;

function place(url: string): string {
  if (!url) return '(native)';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return `pkg:${nm[1]}`;
  const src = /\/(server\/src\/.*|bench\/.*)$/.exec(url);
  if (src) return src[1]!;
  return url.replace(/^node:/, 'node:');
}

for (const f of files) {
  const p = JSON.parse(readFileSync(f, 'utf8')) as Profile;
  const nodes = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<number, number>();
  for (let i = 0; i < p.samples.length; i++) {
    const dt = p.timeDeltas[i + 1] ?? 0;
    self.set(p.samples[i]!, (self.get(p.samples[i]!) ?? 0) + dt);
  }
  for (const [id, us] of self) {
    const n = nodes.get(id)!;
    const name = n.callFrame.functionName || '(anonymous)';
    if (name === '(idle)' || name === '(program)') continue;
    total += us;
    const where = place(n.callFrame.url);
    const key = `${name}  ${where}:${n.callFrame.lineNumber + 1}`;
    byFn.set(key, (byFn.get(key) ?? 0) + us);
    byFile.set(where, (byFile.get(where) ?? 0) + us);
    // inclusive time per package/file along the stack (each counted once per sample)
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const w = place(nodes.get(at)!.callFrame.url);
      if (!seen.has(w)) {
        seen.add(w);
        byTotal.set(w, (byTotal.get(w) ?? 0) + us);
      }
    }
  }
}

const show = (title: string, m: Map<string, number>) => {
  console.log(`\n${title}`);
  for (const [k, us] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(`${((us / total) * 100).toFixed(1).padStart(5)} %  ${(us / 1000).toFixed(0).padStart(6)} ms  ${k}`);
};
console.log(`${files.length} profiles, ${(total / 1000).toFixed(0)} ms busy (idle excluded)`);
show('self time by function', byFn);
show('self time by file / package', byFile);
show('inclusive time by file / package', byTotal);
