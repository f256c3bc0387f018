import type { ChaosNode } from '../cluster/chaos-node.js';
import type { ExpectedEntry } from '../cluster/workload.js';
import type { PlanAction } from './actions.js';
import type { Plan } from './plan.js';

type WriteAction = PlanAction & { readonly kind: 'write' };

function writesOf(plan: Plan): WriteAction[] {
  return plan.steps.flatMap((step) => step.actions.filter((action): action is WriteAction => action.kind === 'write'));
}

function pathOfCall(call: WriteAction['call']): string | null {
  if (call.method === 'flush') return null;
  return 'relativePath' in call ? call.relativePath : call.path;
}

/** A value a set without expiry left, or the absence a delete left; other calls are checked by the storages' equality only. */
function expectationOf(path: string, write: WriteAction): ExpectedEntry[] {
  const label = `acknowledged ${write.call.method} of ${JSON.stringify(path)} (write ${write.index})`;
  if (write.call.method === 'writeWithReplication' && (write.call.ttl ?? null) === null) return [{ label, path, value: write.call.data }];
  if (write.call.method === 'deleteWithReplication') return [{ label, path, value: null }];
  return [];
}

/**
 * What every storage must hold because of what the primary acknowledged: for each path, the last
 * write that may have reached it decides, and only when that write was acknowledged. A write sent
 * to a primary killed before it answered may or may not have been applied, so it hides what came
 * before it on its path; a flush hides every path written before it; a write the library refused
 * (a limit) or never sent (the primary down) reached nothing.
 */
export function expectedEntries(plan: Plan, primary: ChaosNode): ExpectedEntry[] {
  const last = new Map<string, WriteAction>();
  for (const write of writesOf(plan)) {
    if (!primary.sent.has(write.index) || primary.refused.has(write.index)) continue;
    const path = pathOfCall(write.call);
    if (path === null) last.clear();
    else last.set(path, write);
  }
  return [...last].flatMap(([path, write]) => (primary.acked.has(write.index) ? expectationOf(path, write) : []));
}
