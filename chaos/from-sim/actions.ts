import type { ToxicType } from 'toxiproxy-node-client';
import type { StorageContext } from '../../src/core/api-operations.js';
import type { ScenarioCall } from '../../sim/scenario.js';
import type { SecondaryName } from '../cluster/cluster.js';

/** Which way a toxic acts on a secondary's link: downstream carries the primary's stream, upstream the secondary's answers. */
export type Stream = 'upstream' | 'downstream';

export interface ToxicSpec {
  readonly name: string;
  readonly type: ToxicType;
  readonly stream: Stream;
  readonly toxicity: number;
  readonly attributes: Readonly<Record<string, number>>;
}

/** One thing the lab does to real processes and proxies; links are named by their secondary. */
export type PlanAction =
  | { readonly kind: 'write'; readonly index: number; readonly call: ScenarioCall; readonly context: StorageContext }
  | { readonly kind: 'wait'; readonly ms: number }
  /** The link's connections closed at once (proxy disabled and enabled). */
  | { readonly kind: 'disable' | 'enable' | 'cut'; readonly link: SecondaryName }
  | { readonly kind: 'addToxic'; readonly link: SecondaryName; readonly toxic: ToxicSpec }
  | { readonly kind: 'removeToxic'; readonly link: SecondaryName; readonly name: string }
  | { readonly kind: 'kill' | 'start'; readonly node: LabNode };

/** A node as the lab names it. */
export type LabNode = 'primary' | SecondaryName;
