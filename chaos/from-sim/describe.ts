/** A plan in words, for the log and the report: what the scenario asked, and what the lab did for it. */
import type { PlanAction } from './actions.js';
import type { Plan, PlannedStep } from './plan.js';

export function describeAction(action: PlanAction): string {
  switch (action.kind) {
    case 'write':
      return `${action.call.method} (write ${action.index})`;
    case 'wait':
      return `${action.ms} ms`;
    case 'disable':
    case 'enable':
      return `${action.link}'s proxy ${action.kind}d`;
    case 'cut':
      return `${action.link}'s connections closed (proxy disabled and enabled)`;
    case 'addToxic':
      return `${action.toxic.type} ${JSON.stringify(action.toxic.attributes)}${action.toxic.toxicity < 1 ? ` toxicity ${action.toxic.toxicity}` : ''} on ${action.link} ${action.toxic.stream}`;
    case 'removeToxic':
      return `${action.name} removed from ${action.link}`;
    case 'kill':
      return `SIGKILL of ${action.node}`;
    case 'start':
      return `${action.node} started on its storage`;
  }
}

/** A step, as its JSON names it, and what it became. */
export function describeStep({ index, step, treatment, actions }: PlannedStep): string {
  const { kind, ...args } = step;
  const done = actions.length === 0 ? (treatment === 'skipped' ? 'skipped: no counterpart' : 'nothing (nothing changes in the simulator either)') : actions.map(describeAction).join(', ');
  return `step ${index} ${kind} ${JSON.stringify(args)}: ${done} [${treatment}]`;
}

/** The scenario's summary, each setting's and fault's treatment, and every fault step as it was mapped. */
export function describePlan(plan: Plan, seed: number): string[] {
  const { settings, writes, writesRefused, waitMs } = plan;
  return [
    `from the simulator: seed ${seed}, ${plan.secondaries} secondaries, ${plan.steps.length} steps; ${writes} writes sent, ${writesRefused} refused (the primary down); pauses ${waitMs} ms of wall-clock (time scale ${settings.timeScale})`,
    ...plan.notes.map((note) => `${note.what} [${note.treatment}]: ${note.how}`),
    ...plan.setup.map((action) => `throughout: ${describeAction(action)}`),
    ...plan.steps.filter(({ step }) => step.kind !== 'write' && step.kind !== 'runFor').map(describeStep),
  ];
}
