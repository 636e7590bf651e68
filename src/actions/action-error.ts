/** Why an action refused or failed before Kubernetes, PagerDuty or Alertmanager said anything. */
export type ActionErrorCode =
  | 'unknown_action'
  | 'invalid_params'
  | 'unknown_target'
  | 'not_configured'
  | 'refused'
  | 'changed'
  | 'not_reversible'
  | 'unhealthy'
  | 'invalid_before';

/** A failure with a message written for the person who asked, and a code for the engine. */
export class ActionError extends Error {
  override readonly name = 'ActionError';
  readonly code: ActionErrorCode;

  constructor(code: ActionErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
