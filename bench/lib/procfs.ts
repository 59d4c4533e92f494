import { readFileSync, readdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

/**
 * CPU time and memory of a process tree, read from procfs (proc(5)): utime and stime are
 * fields 14 and 15 of /proc/<pid>/stat in clock ticks; VmRSS is in /proc/<pid>/status.
 * A tree, because nginx does its work in a worker under the master and Detour's
 * `--workers N` forks children: the proxy's cost is the sum over all of them.
 */
export interface TreeUsage {
  /** user + system CPU seconds of every live process in the tree. */
  cpuSeconds: number;
  /** Sum of resident set sizes, bytes. */
  rssBytes: number;
  pids: number[];
  /** CPU seconds of each process in the tree. */
  cpuByPid: Map<number, number>;
}

let ticks: number | undefined;
function clockTicks(): number {
  ticks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  return ticks;
}

/** Fields after the `(comm)` of a stat line; comm may itself contain spaces and parens. */
export function parseStat(line: string): { ppid: number; utime: number; stime: number } {
  const rest = line.slice(line.lastIndexOf(')') + 2).split(' ');
  // rest[0] is field 3 (state), so field n is rest[n - 3].
  return { ppid: Number(rest[1]), utime: Number(rest[11]), stime: Number(rest[12]) };
}

function readStat(pid: number): { ppid: number; utime: number; stime: number } | undefined {
  try {
    return parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined; // exited between listing and reading
  }
}

function rssOf(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** The pid and all its descendants, found by walking ppid links over /proc. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    const st = readStat(pid);
    if (!st) continue;
    const list = children.get(st.ppid) ?? [];
    list.push(pid);
    children.set(st.ppid, list);
  }
  const out: number[] = [];
  const stack = [root];
  while (stack.length > 0) {
    const pid = stack.pop()!;
    out.push(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return out;
}

export function treeUsage(root: number): TreeUsage {
  const pids = processTree(root);
  let t = 0;
  let rss = 0;
  const cpuByPid = new Map<number, number>();
  for (const pid of pids) {
    const st = readStat(pid);
    if (!st) continue;
    t += st.utime + st.stime;
    cpuByPid.set(pid, (st.utime + st.stime) / clockTicks());
    rss += rssOf(pid);
  }
  return { cpuSeconds: t / clockTicks(), rssBytes: rss, pids, cpuByPid };
}
