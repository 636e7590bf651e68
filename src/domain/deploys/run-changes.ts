import type { Run, RunStep } from '../runs/index.ts';
import type { ChangeWhat, DeployKind, DeployOutcome } from './deploy-record.ts';

/** The part of a workload each action changes; actions not listed change no workload. */
const ACTION_WHAT: Record<string, ChangeWhat> = {
  'k8s.set-image': 'image',
  'k8s.rollout-undo': 'image',
  'k8s.scale': 'replicas',
  'k8s.set-configmap-key': 'config',
  'k8s.delete-pods': 'pods',
  'k8s.restart': 'restart',
  'argo.promote': 'canary',
  'argo.abort': 'canary',
  'argo.pause': 'canary',
  'argo.resume': 'canary',
};

const VERB_KIND: Record<string, DeployKind> = {
  deploy: 'deploy',
  rollback: 'rollback',
  triage: 'triage',
  drill: 'drill-fault',
};

/** One change a run made, before the live image is read: what the change log records. */
export interface RunChange {
  service: string;
  env: string;
  kind: DeployKind;
  what: ChangeWhat;
  /** For `image`: the image the step found (its `before`), when it says. */
  fromImage?: string;
  /** For `image`: the image the step left, when it says; the live image is preferred. */
  toImage?: string;
  fromValue?: string;
  toValue?: string;
  outcome: Exclude<DeployOutcome, 'verifying'>;
}

/** How the change log names what a run of `verb` did (a Revert of a drill fault restores it). */
export function runChangeKind(run: Pick<Run, 'verb' | 'revertOf'>): DeployKind {
  if (run.revertOf) return run.verb === 'drill' ? 'drill-restore' : 'revert';
  return VERB_KIND[run.verb] ?? 'run';
}

type Shape = Record<string, unknown>;
const obj = (v: unknown): Shape => (v && typeof v === 'object' ? (v as Shape) : {});
const text = (v: unknown) => (typeof v === 'string' && v.length > 0 ? v : undefined);
const show = (v: unknown) => (v === null || v === undefined ? '(unset)' : String(v));

/** The image a step state names: `image` (set-image) or the container in `template` (undo). */
function imageIn(state: unknown, container: string | undefined): string | undefined {
  const s = obj(state);
  if (text(s.image)) return text(s.image);
  const containers = obj(obj(s.template).spec).containers;
  if (!Array.isArray(containers)) return undefined;
  const found = containers.find((c) => obj(c).name === container) ?? containers[0];
  return text(obj(found).image);
}

function values(what: ChangeWhat, step: RunStep): Pick<RunChange, 'fromValue' | 'toValue'> {
  const before = obj(step.before);
  const after = obj(step.after);
  switch (what) {
    case 'replicas':
      return { fromValue: show(before.replicas), toValue: show(after.replicas) };
    case 'config': {
      const key = `${show(before.configMap)}/${show(before.key)}`;
      return { fromValue: `${key}=${show(before.value)}`, toValue: `${key}=${show(after.value)}` };
    }
    case 'pods': {
      const deleted = Array.isArray(after.deleted) ? after.deleted.length : 0;
      return { toValue: `${deleted} deleted` };
    }
    case 'restart':
      return { toValue: 'restarted' };
    case 'canary':
      return { toValue: step.action.replace('argo.', '') };
    default:
      return {};
  }
}

const RAN: ReadonlySet<RunStep['state']> = new Set([
  'succeeded',
  'failed',
  'reverted',
  'revert_failed',
]);

/**
 * The workload changes a finished run made, one per step that changed something (a step whose
 * state before and after are the same changed nothing), each on the step's own target (a
 * dependency the drill scaled) or else the run's. `succeeded` and `failed` runs keep their
 * changes; a `reverted` run's were undone (`rolled-back`). Other states made none.
 */
export function runChanges(
  run: Run,
  containerOf: (service: string, env: string) => string | undefined,
): RunChange[] {
  const outcome =
    run.state === 'succeeded'
      ? 'succeeded'
      : run.state === 'failed'
        ? 'failed'
        : run.state === 'reverted'
          ? 'rolled-back'
          : undefined;
  if (!outcome) return [];
  const kind = runChangeKind(run);
  return run.steps.flatMap((step): RunChange[] => {
    const what = ACTION_WHAT[step.action];
    if (!what || !RAN.has(step.state) || step.before === undefined) return [];
    if (JSON.stringify(step.before) === JSON.stringify(step.after ?? step.before)) return [];
    if (obj(step.after).skipped === true) return [];
    const service = text(step.params.service) ?? run.target.service;
    const env = text(step.params.env) ?? run.target.env;
    const container = containerOf(service, env);
    const fromImage = what === 'image' ? imageIn(step.before, container) : undefined;
    const toImage = what === 'image' ? imageIn(step.after, container) : undefined;
    return [
      {
        service,
        env,
        kind,
        what,
        ...(fromImage ? { fromImage } : {}),
        ...(toImage ? { toImage } : {}),
        ...values(what, step),
        outcome,
      },
    ];
  });
}
