import { ApiError } from './api-error.js';
import { FAULT_PROXY_LIMITS } from './limits.js';

export type Direction = 'upstream' | 'downstream';

export type Toxic =
  | ToxicOf<'latency', { latency: number; jitter: number }>
  | ToxicOf<'bandwidth', { rate: number }>
  | ToxicOf<'slow_close', { delay: number }>
  | ToxicOf<'timeout', { timeout: number }>
  | ToxicOf<'reset_peer', { timeout: number }>
  | ToxicOf<'slicer', { average_size: number; size_variation: number; delay: number }>
  | ToxicOf<'limit_data', { bytes: number }>;

type ToxicOf<T extends string, A> = {
  readonly name: string;
  readonly type: T;
  readonly stream: Direction;
  readonly toxicity: number;
  readonly attributes: A;
};

/** The attributes each type takes (all numbers), as toxiproxy names them. */
const ATTRIBUTES: Readonly<Record<Toxic['type'], readonly string[]>> = {
  latency: ['latency', 'jitter'],
  bandwidth: ['rate'],
  slow_close: ['delay'],
  timeout: ['timeout'],
  reset_peer: ['timeout'],
  slicer: ['average_size', 'size_variation', 'delay'],
  limit_data: ['bytes'],
};

/** A toxic from an API body; toxiproxy's defaults (downstream, toxicity 1, attributes 0). */
export function parseToxic(body: unknown): Toxic {
  const record = asRecord(body, 'toxic');
  const type = record.type;
  if (typeof type !== 'string' || !(type in ATTRIBUTES)) throw new ApiError(400, `unknown toxic type '${String(type)}'`);
  const stream = record.stream ?? 'downstream';
  if (stream !== 'upstream' && stream !== 'downstream') throw new ApiError(400, `stream must be upstream or downstream, got '${String(stream)}'`);
  const toxicity = record.toxicity ?? 1;
  if (typeof toxicity !== 'number' || !(toxicity >= 0 && toxicity <= 1)) throw new ApiError(400, 'toxicity must be a number in [0, 1]');
  const name = record.name ?? `${type}_${stream}`;
  if (typeof name !== 'string' || name === '') throw new ApiError(400, 'name must be a non-empty string');
  const attributes = parseAttributes(ATTRIBUTES[type as Toxic['type']], record.attributes ?? {});
  return { name, type, stream, toxicity, attributes } as Toxic;
}

function parseAttributes(names: readonly string[], body: unknown): Record<string, number> {
  const record = asRecord(body, 'attributes');
  const attributes: Record<string, number> = {};
  for (const name of names) {
    const value = record[name] ?? 0;
    // Whole numbers, as toxiproxy's Go integers decode them; never negative, unlike toxiproxy, and bounded.
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > FAULT_PROXY_LIMITS.attributeMax) {
      throw new ApiError(400, `attribute ${name} must be a whole number from 0 to ${FAULT_PROXY_LIMITS.attributeMax}`);
    }
    attributes[name] = value;
  }
  return attributes;
}

export function asRecord(body: unknown, what: string): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ApiError(400, `${what} must be a JSON object`);
  return body as Record<string, unknown>;
}
