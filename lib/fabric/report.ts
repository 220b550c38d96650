/** How the ledger commands show their steps: one row per step, as `vote` shows its decisions. */
import type { Reporter } from '../output';
import type { StepReport } from './reconcile';

export function renderSteps(out: Reporter, title: string, steps: readonly StepReport[]): void {
  out.table(
    title,
    [
      { title: 'SUBJECT', value: (step: StepReport) => step.subject },
      { title: 'STEP', value: (step: StepReport) => step.step },
      { title: 'TARGET', value: (step: StepReport) => step.target },
      { title: 'OUTCOME', value: (step: StepReport) => step.outcome },
      { title: 'REASON', value: (step: StepReport) => step.reason },
    ],
    steps,
  );
}
