import { describe, expect, it } from 'vitest';
import { QUIET_MS_MIN, quietStretches } from '../../../sim/timeline/quiet.js';
import type { TraceEvent } from '../../../sim/trace.js';

const heartbeat = (t: number): TraceEvent => ({ t, kind: 'deliver', from: 'primary', to: 's1', conn: 1, bytes: 90, sentMs: t - 5, segment: t, frames: 'HEARTBEAT 9: last sequence 9' });
const ack = (t: number): TraceEvent => ({ t, kind: 'deliver', from: 's1', to: 'primary', conn: 1, bytes: 90, sentMs: t - 5, segment: t, frames: 'ACK 9: applied 9, durable 9, received 9, 900 bytes in' });
const batch = (t: number): TraceEvent => ({ t, kind: 'deliver', from: 'primary', to: 's1', conn: 1, bytes: 900, sentMs: t - 5, segment: t, frames: 'BATCH ×2: operations 8 to 9' });
const keepalives = (fromMs: number, toMs: number): TraceEvent[] => Array.from({ length: (toMs - fromMs) / 500 }, (_, i) => [heartbeat(fromMs + i * 500), ack(fromMs + i * 500 + 10)]).flat();

describe('quietStretches', () => {
  it('finds the stretches after the heal with nothing but heartbeats and ACKs, and counts what they hide', () => {
    const events = [batch(100), { t: 1_000, kind: 'heal' }, batch(1_100), ...keepalives(1_500, 9_500), batch(10_000), ...keepalives(10_500, 11_500)];
    const stretches = quietStretches(events, 0, 11_500);
    expect(stretches).toHaveLength(1);
    const [quiet] = stretches;
    expect(quiet?.fromMs).toBeGreaterThan(1_100);
    expect(quiet?.toMs).toBeLessThan(10_000 - 5);
    expect(quiet?.hidden).toBe(events.filter((e) => e.t > (quiet?.fromMs ?? 0) && (e.sentMs ?? 0) > (quiet?.fromMs ?? 0) && e.t < (quiet?.toMs ?? 0)).length);
    expect(quiet?.hidden).toBeGreaterThan(20);
  });

  it('compresses nothing before the heal, nor a run that never heals', () => {
    const quietBefore = [batch(100), ...keepalives(500, 9_500), { t: 9_600, kind: 'heal' }, batch(9_700)];
    expect(quietStretches(quietBefore, 0, 9_700)).toEqual([]);
    expect(quietStretches([batch(100), ...keepalives(500, 9_500)], 0, 9_500)).toEqual([]);
  });

  it('leaves a short lull alone', () => {
    const events = [{ t: 0, kind: 'heal' }, batch(100), ...keepalives(500, 500 + QUIET_MS_MIN), batch(600 + QUIET_MS_MIN)];
    expect(quietStretches(events, 0, 700 + QUIET_MS_MIN)).toEqual([]);
  });

  it('counts anything but keep-alive traffic as busy: a connect breaks the quiet', () => {
    const events = [{ t: 0, kind: 'heal' }, ...keepalives(500, 9_500), { t: 5_000, kind: 'connect', from: 's1', to: 'primary', conn: 2 }];
    const sorted = [...events].sort((a, b) => a.t - b.t);
    for (const stretch of quietStretches(sorted, 0, 9_500)) expect(5_000 > stretch.fromMs && 5_000 < stretch.toMs).toBe(false);
  });
});
