import { readFileSync } from 'node:fs';
import type { RoundFigures } from './plan.js';

/** Linux's USER_HZ: /proc/PID/stat counts CPU time in these ticks on every platform Node runs on. */
const TICKS_PER_SECOND = 100;

/** CPU time (user + system) a process has used so far, in microseconds, from /proc/PID/stat. */
export function cpuMicros(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces and parentheses: the fields after its last ')' are fixed.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1_000_000) / TICKS_PER_SECOND;
}

/** The peak resident set size of a process (VmHWM), in MiB. */
export function peakRssMiB(pid: number): number {
  const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (match === null) throw new Error(`no VmHWM in /proc/${pid}/status`);
  return Number(match[1]) / 1024;
}

/** The CPU microseconds each of `pids` used while `work` ran, in their order. */
export async function cpuDuring(pids: readonly number[], work: () => Promise<void>): Promise<number[]> {
  const before = pids.map(cpuMicros);
  await work();
  return pids.map((pid, i) => cpuMicros(pid) - (before[i] ?? 0));
}

/** The CPU figures of a round: every process, the primary, the busiest secondary, per write. */
export function cpuPerWrite(cpuMicrosByNode: readonly number[], writes: number): Pick<RoundFigures, 'cpuMicrosPerOp' | 'primaryCpuMicrosPerOp' | 'secondaryCpuMicrosPerOp'> {
  const [primary = Number.NaN, ...secondaries] = cpuMicrosByNode;
  return {
    cpuMicrosPerOp: cpuMicrosByNode.reduce((sum, micros) => sum + micros, 0) / writes,
    primaryCpuMicrosPerOp: primary / writes,
    secondaryCpuMicrosPerOp: Math.max(...secondaries) / writes,
  };
}
