/**
 * What a run's verification found, kept with the run: the SLO window's intervals and each
 * check's last value, Argo's canary analysis, or why no window ran. Shown on the run card
 * and stored in the run's evidence.
 */
export interface VerificationSummary {
  /** `slo`: an SLO window ran; `canary`: Argo's analysis judged it; `none`: nothing watched it. */
  kind: 'slo' | 'canary' | 'none';
  /** The window's verdict (`healthy`, `breached`, ...), `promoted` for a canary, `skipped` for none. */
  status: string;
  /** SLO intervals evaluated (0 when no window ran). */
  intervals: number;
  /** Each check's last evaluated value. */
  checks: VerifiedCheck[];
  /** One sentence a person reads: "3 intervals, healthy: error-ratio 0 < 0.01 ok". */
  text: string;
}

/** One SLO check as last evaluated; `value` is null when it could not be measured. */
export interface VerifiedCheck {
  name: string;
  comparison: string;
  threshold: number;
  value: number | null;
  status: 'passed' | 'failed' | 'inconclusive';
}
