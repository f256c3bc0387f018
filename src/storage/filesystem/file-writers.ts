import { Worker } from 'node:worker_threads';

/**
 * Threads that write and remove files with blocking calls, a batch's worth per message. A small
 * file costs four calls (open, write, ftruncate, close); through libuv's pool each is a round
 * trip to the event loop, which measured at twice the CPU time and half the throughput of the
 * same calls made in a row by a thread of their own. Two threads: a batch writes two trees
 * (values and metadata), one each, so no two threads contend for one directory's lock.
 */
export const WRITER_THREADS = 2;
/** Files per lane per message: a step of a batch, where the step-wise crash tests stop it. */
export const FILE_TASKS_PER_STEP = 1024;

/** `bytes`: write them over the file in place (see below); none: remove the file if it is there. */
export interface FileTask {
  readonly file: string;
  readonly bytes?: Uint8Array;
}

interface Reply {
  readonly id: number;
  readonly error?: { readonly message: string; readonly code?: string };
}

/**
 * The thread's code, as source: a module file would need a build step (or a loader) in every
 * setting this runs in (tsx, the test runner, dist), and this is all there is. Writing in place:
 * not O_TRUNC, which frees the file's blocks for the write to allocate again, several times the
 * cost of overwriting them; the ftruncate cuts what a longer old value left. Not atomic: callers
 * journal the content first. A removal of a missing file (or of a directory) is no failure.
 * Stops at the first failure and reports it.
 */
const THREAD_SOURCE = `
const { closeSync, constants, fsyncSync, ftruncateSync, openSync, unlinkSync, writeSync } = require('node:fs');
const { parentPort } = require('node:worker_threads');
const GONE = new Set(['ENOENT', 'ENOTDIR', 'EISDIR']);
function write(file, bytes, sync) {
  const fd = openSync(file, constants.O_WRONLY | constants.O_CREAT);
  try {
    for (let done = 0; done < bytes.length;) done += writeSync(fd, bytes, done, bytes.length - done, done);
    ftruncateSync(fd, bytes.length);
    if (sync) fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
function remove(file) {
  try {
    unlinkSync(file);
  } catch (error) {
    if (!GONE.has(error.code)) throw error;
  }
}
parentPort.on('message', ({ id, tasks, sync }) => {
  try {
    for (const { file, bytes } of tasks) bytes === undefined ? remove(file) : write(file, bytes, sync);
    parentPort.postMessage({ id });
  } catch (error) {
    parentPort.postMessage({ id, error: { message: error.message, code: error.code } });
  }
});
`;

export class FileWriters {
  private threads: Worker[] | undefined;
  private nextId = 0;
  /** run() calls under way. */
  private running = 0;
  private readonly waiting = new Map<number, (reply: Reply) => void>();

  /**
   * Runs lane i on thread i % WRITER_THREADS, each lane in order, all lanes at once. `sync`: fsync
   * every file written. Rejects with the first failure once every lane has stopped.
   */
  async run(lanes: readonly (readonly FileTask[])[], sync: boolean): Promise<void> {
    const threads = this.started();
    // Held while they work: with nothing else to wait for, the process would exit mid-batch.
    if (this.running++ === 0) for (const thread of threads) thread.ref();
    let replies: Reply[];
    try {
      replies = await Promise.all(lanes.map((tasks, lane) => this.send(threads[lane % threads.length] as Worker, tasks, sync)));
    } finally {
      if (--this.running === 0) for (const thread of threads) thread.unref();
    }
    const failed = replies.find((reply) => reply.error !== undefined)?.error;
    if (failed !== undefined) throw Object.assign(new Error(failed.message), { code: failed.code });
  }

  async close(): Promise<void> {
    const threads = this.threads ?? [];
    this.threads = undefined;
    await Promise.all(threads.map((thread) => thread.terminate()));
  }

  private send(thread: Worker, tasks: readonly FileTask[], sync: boolean): Promise<Reply> {
    if (tasks.length === 0) return Promise.resolve({ id: -1 });
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      thread.postMessage({ id, tasks, sync });
    });
  }

  /** Started on first use; unref'd between runs, so an instance never closed does not keep the process alive. */
  private started(): Worker[] {
    this.threads ??= Array.from({ length: WRITER_THREADS }, () => {
      const thread = new Worker(THREAD_SOURCE, { eval: true });
      thread.on('message', (reply: Reply) => this.settle(reply));
      thread.on('error', (error: Error) => this.failAll(error));
      // Terminated by close() or failAll(), it is no longer among the threads; otherwise it died.
      thread.on('exit', (code: number) => {
        if (this.threads?.includes(thread) === true) this.failAll(new Error(`exited with code ${code}`));
      });
      thread.unref();
      return thread;
    });
    return this.threads;
  }

  private settle(reply: Reply): void {
    const resolve = this.waiting.get(reply.id);
    this.waiting.delete(reply.id);
    resolve?.(reply);
  }

  /** A thread that died (out of memory, say) answers nothing more: every lane still waiting fails, and the next run starts new threads. */
  private failAll(error: Error): void {
    for (const thread of this.threads ?? []) void thread.terminate();
    this.threads = undefined;
    for (const [id, resolve] of this.waiting) resolve({ id, error: { message: `file writer thread failed: ${error.message}` } });
    this.waiting.clear();
  }
}
