/**
 * Summarises `node --cpu-prof` output: self time per function (and per file),
 * the share of the profile each takes, heaviest first.
 *
 *   node dist/test/bench/profile-top.js PROFILE.cpuprofile… [--top 30] [--files]
 *
 * With several profiles (a process and its worker threads) each is printed
 * on its own, headed by its total sampled time.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Self time (µs) per key, from the sample deltas (hitCount alone ignores uneven sampling intervals). */
export function selfTimes(profile: Profile, keyOf: (node: ProfileNode) => string): Map<string, number> {
  const byId = new Map<number, ProfileNode>();
  for (const node of profile.nodes) byId.set(node.id, node);
  const times = new Map<string, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i]!);
    if (node === undefined) continue;
    const key = keyOf(node);
    times.set(key, (times.get(key) ?? 0) + (profile.timeDeltas[i + 1] ?? profile.timeDeltas[i] ?? 0));
  }
  return times;
}

function shortUrl(url: string): string {
  const at = url.indexOf('/dist/');
  if (at !== -1) return url.slice(at + 6);
  const nm = url.lastIndexOf('node_modules/');
  if (nm !== -1) return url.slice(nm + 13);
  return url === '' ? '(native)' : url.replace(/^node:/, '');
}

function main(): void {
  const args = process.argv.slice(2);
  const topAt = args.indexOf('--top');
  const top = topAt === -1 ? 30 : Number(args[topAt + 1]);
  const files = args.includes('--files');
  const paths = args.filter((a, i) => !a.startsWith('--') && (topAt === -1 || i !== topAt + 1));
  for (const path of paths) {
    const profile = JSON.parse(readFileSync(path, 'utf8')) as Profile;
    const keyOf = files
      ? (n: ProfileNode): string => shortUrl(n.callFrame.url)
      : (n: ProfileNode): string => `${n.callFrame.functionName || '(anonymous)'}  ${shortUrl(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;
    const times = selfTimes(profile, keyOf);
    let total = 0;
    for (const t of times.values()) total += t;
    let busy = total;
    for (const [key, t] of times) if (key.startsWith('(idle)') || key.startsWith('(program)')) busy -= key.startsWith('(idle)') ? t : 0;
    console.log(`\n${basename(path)}: ${(total / 1000).toFixed(0)} ms sampled, ${(busy / 1000).toFixed(0)} ms not idle`);
    const rows = [...times].sort((a, b) => b[1] - a[1]).slice(0, top);
    for (const [key, t] of rows) console.log(`  ${(t / 1000).toFixed(1).padStart(8)} ms ${((100 * t) / busy).toFixed(1).padStart(5)} %  ${key}`);
  }
}

main();
