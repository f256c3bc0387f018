/** The known workload: write i puts `valueOf(i)` at `pathOf(i)`, so any node can be checked against the acknowledgements alone. */
export const VALUE_BYTES = 256;

export function pathOf(index: number): string {
  return `chaos/${String(index).padStart(6, '0')}`;
}

export function valueOf(index: number): string {
  return `write ${index} `.padEnd(VALUE_BYTES, '.');
}

/** What the primary process prints, one JSON object a line. */
export type NodeEvent =
  | { readonly event: 'ready' }
  | { readonly event: 'acked'; readonly index: number }
  | { readonly event: 'failed'; readonly index: number; readonly error: string }
  | { readonly event: 'done' };
