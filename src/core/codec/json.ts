/** The values JSON can carry, as JSON.parse returns them and canonicalJson accepts them. */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | JsonObject;

export interface JsonObject {
  readonly [key: string]: JsonValue;
}

export function isJsonObject(value: unknown): value is JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Why a parsed document cannot be canonicalised, or undefined. JSON.parse turns 1e999 into
 * Infinity, and a deep nesting would overflow canonicalJson's recursion: both come from the
 * peer, so they must surface as protocol errors rather than as assertion failures.
 */
export function jsonTreeProblem(value: JsonValue, depthMax: number): string | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : 'a number is out of range';
  if (typeof value !== 'object' || value === null) return undefined;
  if (depthMax === 0) return 'the document is nested too deeply';
  const children = Array.isArray(value) ? (value as readonly JsonValue[]) : Object.values(value);
  for (const child of children) {
    const problem = jsonTreeProblem(child, depthMax - 1);
    if (problem !== undefined) return problem;
  }
  return undefined;
}
