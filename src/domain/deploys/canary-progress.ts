/** The parts of an Argo Rollout a canary report reads (as adapters/kubernetes reads them). */
export interface CanaryShape {
  paused: boolean;
  steps: Record<string, unknown>[];
  status: {
    phase?: string;
    message?: string;
    abort?: boolean;
    currentStepIndex?: number;
    currentPodHash?: string;
    stableRS?: string;
    pauseConditions?: { reason: string }[] | null;
    canary?: {
      weights?: { canary?: { weight?: number } };
      /** Argo's `status.canary.currentStepAnalysisRunStatus` while an analysis step runs. */
      currentStepAnalysisRunStatus?: { name?: string; status?: string; message?: string };
      /** The background analysis (`strategy.canary.analysis`), when one runs. */
      currentBackgroundAnalysisRunStatus?: { name?: string; status?: string; message?: string };
    };
  };
}

/** Where a canary stands, in the words the thread uses. */
export interface CanaryProgress {
  state: 'progressing' | 'paused' | 'promoted' | 'aborted';
  /** `step 1 of 4 (pause until promoted) · canary 25% · Paused: CanaryPauseStep` */
  line: string;
}

function stepName(step: Record<string, unknown> | undefined): string {
  if (!step) return 'done';
  if (typeof step.setWeight === 'number') return `setWeight ${step.setWeight}%`;
  const pause = step.pause as { duration?: unknown } | undefined;
  if (pause)
    return pause.duration === undefined
      ? 'pause until promoted'
      : `pause ${String(pause.duration)}`;
  if (step.analysis) return 'analysis';
  return Object.keys(step)[0] ?? 'step';
}

/**
 * Reads a Rollout's status as Argo's controller writes it: `abort` / phase `Degraded` is an
 * abort (Argo's own, from a failed analysis, or someone's), phase `Healthy` with the current
 * pod hash the stable one is a finished promotion, `pauseConditions` is a pause.
 */
export function describeCanary(w: CanaryShape): CanaryProgress {
  const s = w.status;
  const index = s.currentStepIndex ?? 0;
  const total = w.steps.length;
  const weight = s.canary?.weights?.canary?.weight;
  const analysis =
    s.canary?.currentStepAnalysisRunStatus ?? s.canary?.currentBackgroundAnalysisRunStatus;
  const parts = [
    `step ${Math.min(index + 1, total)} of ${total} (${stepName(w.steps[index])})`,
    ...(weight === undefined ? [] : [`canary ${weight}%`]),
    `${s.phase ?? 'Progressing'}${s.message ? `: ${s.message}` : ''}`,
    ...(analysis?.status
      ? [`analysis ${analysis.status}${analysis.message ? ` (${analysis.message})` : ''}`]
      : []),
  ];
  if (s.abort || s.phase === 'Degraded') return { state: 'aborted', line: parts.join(' · ') };
  const onStable = s.currentPodHash !== undefined && s.currentPodHash === s.stableRS;
  if (onStable && s.phase === 'Healthy') {
    return { state: 'promoted', line: `promoted: ${total} of ${total} steps · Healthy` };
  }
  const paused = w.paused || (s.pauseConditions?.length ?? 0) > 0;
  return { state: paused ? 'paused' : 'progressing', line: parts.join(' · ') };
}
