import { LIST_PODS, LIST_REPLICASETS, workloadRules } from './rules.ts';
import type { KubeAccess } from './types.ts';

/** What the bot reads on its own, outside any action: one entry per capability. */
export interface BotRead {
  capability: string;
  /** The code that reads, for a person auditing the Role. */
  why: string;
  kube: KubeAccess;
}

const GET = {
  Deployment: workloadRules.Deployment(['get']),
  Rollout: workloadRules.Rollout(['get']),
};

/**
 * The bot's reads, which every environment's Role grants besides its actions: status views,
 * deploy requests, the verification window, rollback history, release gates and drills.
 */
export const BOT_READS: readonly BotRead[] = [
  {
    capability: 'status',
    why: '/mc status: the workload (deploys/service-status.ts) and its pods (deploys/status-views.ts)',
    kube: { Deployment: [GET.Deployment, LIST_PODS], Rollout: [GET.Rollout, LIST_PODS] },
  },
  {
    capability: 'deploy',
    why: 'the live image a deploy starts from (deploys/resolve-deploy-image.ts, live-image.ts)',
    kube: { Deployment: [GET.Deployment], Rollout: [GET.Rollout] },
  },
  {
    capability: 'verification',
    why: 'the verification window watches the rollout (deploys/verification-*.ts)',
    kube: { Deployment: [GET.Deployment], Rollout: [GET.Rollout] },
  },
  {
    capability: 'rollback',
    why: 'the revisions a rollback offers (deploys/revision-history.ts, rollback-steps.ts)',
    kube: {
      Deployment: [GET.Deployment, LIST_REPLICASETS],
      Rollout: [GET.Rollout, LIST_REPLICASETS],
    },
  },
  {
    capability: 'gates',
    why: 'release gates read the live workload and its revisions (gates/run-checks.ts, build-manifest.ts)',
    kube: {
      Deployment: [GET.Deployment, LIST_REPLICASETS],
      Rollout: [GET.Rollout, LIST_REPLICASETS],
    },
  },
  {
    capability: 'drills',
    why: 'drills sample ready pods (drills/samplers.ts)',
    kube: { Deployment: [GET.Deployment, LIST_PODS], Rollout: [GET.Rollout, LIST_PODS] },
  },
];
