import type { ApiCall, StorageContext } from '../../src/core/api-operations.js';
import type { NetworkSyncBackend } from '../../src/runtime/network-sync-backend.js';
import { invokeApiCall } from '../../harness/api-call.js';

/**
 * Makes one write call of the user's API under `context`. The call is translated before its first
 * await, so calls made one after another are submitted in that order, as the simulator submits a
 * scenario's writes.
 */
export function callApi(node: NetworkSyncBackend, call: ApiCall<string>, context: StorageContext): Promise<void> {
  node.setContext(context);
  return invokeApiCall(node, call);
}
