import type { HeartbeatFrame } from '../../../src/core/frame.js';
import { Secondary } from '../../../src/core/secondary/secondary.js';

/**
 * Original #10: heartbeats take data sequence numbers. Here the secondary counts a heartbeat as the
 * next sequence, so the data that really carries that number looks like a duplicate and is dropped.
 */
export class HeartbeatSequenceSecondary extends Secondary {
  protected override handleHeartbeat(heartbeat: HeartbeatFrame, frameBytes: number): void {
    super.handleHeartbeat(heartbeat, frameBytes);
    if (this.phase === 'stream') this.receivedSequence += 1;
  }
}
