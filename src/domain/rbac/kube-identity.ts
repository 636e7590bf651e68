import type { Catalog, KubeIdentity } from '../catalog/schema.ts';

export type IdentityCheck = { ok: true; identity?: KubeIdentity } | { ok: false; message: string };

/**
 * Who a run in `env` acts as on Kubernetes: nobody in particular (the bot's own account) where
 * the environment does not impersonate, else the identity catalog.yml maps the Slack user to.
 * An unmapped user is refused with the line to add.
 */
export function kubeIdentityFor(catalog: Catalog, env: string, slackUser: string): IdentityCheck {
  if (!catalog.environments[env]?.impersonate) return { ok: true };
  const identity = catalog.kubernetesIdentities[slackUser];
  if (identity) return { ok: true, identity };
  return {
    ok: false,
    message: `\`${env}\` acts on Kubernetes as the person who asks (impersonate: true), and catalog.yml maps no Kubernetes user to <@${slackUser}>. Add one under kubernetesIdentities, e.g. \`${slackUser}: { user: jane@example.com, groups: [sre] }\`, and restart mc.`,
  };
}

/** `alice (groups sre, oncall)`: an identity as a person reads it. */
export function describeIdentity(identity: KubeIdentity): string {
  const groups = identity.groups.length ? ` (groups ${identity.groups.join(', ')})` : '';
  return `${identity.user}${groups}`;
}
