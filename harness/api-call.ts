import type { ApiCall } from '../src/core/api-operations.js';
import type { NetworkSyncBackend } from '../src/runtime/network-sync-backend.js';

/** Makes one write call of the user's API, by its method, under the node's current context. */
export function invokeApiCall(node: NetworkSyncBackend, call: ApiCall): Promise<void> {
  switch (call.method) {
    case 'writeWithReplication':
      return node.writeWithReplication(call);
    case 'deleteWithReplication':
      return node.deleteWithReplication(call);
    case 'setTtl':
      return node.setTtl(call.path, call.ttl);
    case 'setTags':
      return node.setTags(call.path, call.tags);
    case 'flush':
      return node.flush(call);
  }
}
