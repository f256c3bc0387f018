import type { ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { fetchStats } from '../../src/cli/admin-client.js';
import type { PrimaryReplicationStats, ReplicationStats, SecondaryReplicationStats } from '../../src/runtime/network-sync-backend.js';
import { spawnScript } from '../../harness/spawn-script.js';
import { waitUntil } from '../../harness/waits.js';
import { nodeOptionsEnv, type NodeOptions } from './node-options.js';
import type { NodeEvent, WorkloadCommand } from './workload.js';

const SCRIPT = 'chaos/cluster/node-process.ts';
const HOST = '127.0.0.1';
/** tsx start-up plus a secondary's first sync (or full resync) on a loaded two-core machine. */
const READY_TIMEOUT_MS = 40_000;
/** How long a node may take to exit after SIGTERM before it gets SIGKILL. */
const STOP_TIMEOUT_MS = 10_000;

/** One node process of a scenario: started, killed and restarted with the same arguments and storage. */
export class ChaosNode {
  private child: ChildProcess | null = null;
  private stderr = '';
  readonly acked = new Set<number>();
  /** Writes sent on stdin (a simulator scenario's), whatever became of them. */
  readonly sent = new Set<number>();
  /** Writes the library refused (a limit), as the simulator counts them: not a failure. */
  readonly refused = new Set<number>();
  readonly failed: string[] = [];
  done = false;

  constructor(
    readonly name: string,
    readonly storage: string,
    readonly adminPort: number,
    private readonly args: readonly string[],
    private readonly options?: NodeOptions,
  ) {}

  /** `extraArgs` follow the node's own (a restarted primary's FIRST_WRITE). */
  async start(extraArgs: readonly string[] = []): Promise<void> {
    const child = spawnScript(SCRIPT, [...this.args, ...extraArgs], nodeOptionsEnv(this.options), 'pipe');
    this.child = child;
    let ready = false;
    let partial = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) ready = this.record(line) || ready;
    });
    child.stderr?.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    // A command racing the process's SIGKILL is lost with the process (EPIPE), as a write in flight is.
    child.stdin?.on('error', () => undefined);
    await waitUntil(() => {
      // A signal too: a node killed while it starts (a scenario's crash) is not waited for.
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${this.name} exited (${child.exitCode ?? child.signalCode}) before it was ready: ${this.stderr.trim()}`);
      return ready;
    }, `${this.name} to start`, READY_TIMEOUT_MS);
  }

  /** Only a primary acts on it: the workload starts. */
  startWorkload(): void {
    this.child?.kill('SIGUSR2');
  }

  /** Sends a primary a command on stdin; false when the process is not running (the command is not sent). */
  send(command: WorkloadCommand): boolean {
    const stdin = this.child?.stdin;
    if (!this.running || stdin === null || stdin === undefined) return false;
    if ('write' in command) this.sent.add(command.write);
    stdin.write(`${JSON.stringify(command)}\n`);
    return true;
  }

  async stats(): Promise<ReplicationStats> {
    return JSON.parse(await fetchStats({ host: HOST, port: this.adminPort })) as ReplicationStats;
  }

  async primaryStats(): Promise<PrimaryReplicationStats> {
    const stats = await this.stats();
    if (stats.mode !== 'primary') throw new Error(`${this.name} is not a primary`);
    return stats;
  }

  async secondaryStats(): Promise<SecondaryReplicationStats> {
    const stats = await this.stats();
    if (stats.mode !== 'secondary') throw new Error(`${this.name} is not a secondary`);
    return stats;
  }

  /**
   * Links this node closed on its own timer (code timeout in /metrics: a silent link, an
   * unfinished handshake), as opposed to closes it was told of by its peer or the network.
   */
  async timedOutLinks(): Promise<number> {
    const response = await fetch(`http://${HOST}:${this.adminPort}/metrics`);
    const match = /^nadb_replication_connections_closed_total\{code="timeout"\} (\d+)$/m.exec(await response.text());
    return Number(match?.[1] ?? 0);
  }

  /** The node process's resident set (VmRSS in /proc: Linux, as the lab's hosts are). */
  async rssBytes(): Promise<number> {
    const pid = this.child?.pid;
    if (pid === undefined || !this.running) throw new Error(`${this.name} is not running: no RSS to read`);
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(status);
    if (match === null) throw new Error(`no VmRSS in /proc/${pid}/status`);
    return Number(match[1]) * 1024;
  }

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  async kill9(): Promise<void> {
    await this.stopWith('SIGKILL');
  }

  async stop(): Promise<void> {
    await this.stopWith('SIGTERM');
  }

  private async stopWith(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (child === null || !this.running) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    // Cancelled once the child exits, so that no timer keeps the runner alive.
    const patience = new AbortController();
    const stopped = await Promise.race([exited.then(() => true), sleep(STOP_TIMEOUT_MS, false, { signal: patience.signal }).catch(() => false)]);
    patience.abort();
    if (!stopped) {
      child.kill('SIGKILL');
      await exited;
    }
    this.child = null;
  }

  /** True for the ready event; a line that is not an event is kept with stderr, for the error message. */
  private record(line: string): boolean {
    let event: NodeEvent;
    try {
      event = JSON.parse(line) as NodeEvent;
    } catch {
      this.stderr += `${line}\n`;
      return false;
    }
    if (event.event === 'acked') this.acked.add(event.index);
    if (event.event === 'refused') this.refused.add(event.index);
    if (event.event === 'failed') this.failed.push(`write ${event.index}: ${event.error}`);
    if (event.event === 'done') this.done = true;
    return event.event === 'ready';
  }
}
