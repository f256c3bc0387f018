/**
 * What the child reports on stdout, one line per event, written as soon as it happens (stdout on
 * a pipe is synchronous on Linux, so a line written before SIGKILL is never lost).
 */

/** The child's storage is open: steps are about to be issued. */
export const OPENED_LINE = 'open';

export interface Ack {
  readonly step: number;
  /** What the call reported; null for calls that report nothing (stageBegin, stageApply). */
  readonly durable: boolean | null;
}

export function ackLine(ack: Ack): string {
  return `done ${ack.step} ${ack.durable ?? '-'}`;
}

/** The ack a line reports, or undefined for any other line. */
export function parseAck(line: string): Ack | undefined {
  const match = /^done (\d+) (true|false|-)$/.exec(line);
  if (match === null) return undefined;
  const durable = match[2] === '-' ? null : match[2] === 'true';
  return { step: Number(match[1]), durable };
}
