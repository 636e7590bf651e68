import { KubeConfig, type RequestContext } from '@kubernetes/client-node';

/** Who a request acts as: a Kubernetes user and its groups (Impersonate-User/-Group). */
export interface Impersonation {
  user: string;
  groups: readonly string[];
}

/**
 * Every distinct casing of `name` up to `count`: client-node keeps headers in a plain record
 * (one value per key) and node-fetch appends each key to the header of the same lower-cased
 * name, so N casings send N `Impersonate-Group` lines. Joining groups with commas would be
 * read by the API server as one group named "a,b".
 */
function casings(name: string, count: number): string[] {
  const letters = [...name].map((c, i) => (/[a-z]/i.test(c) ? i : -1)).filter((i) => i >= 0);
  if (count > 2 ** letters.length) throw new Error(`too many groups to impersonate: ${count}`);
  return Array.from({ length: count }, (_, n) => {
    const chars = [...name.toLowerCase()];
    letters.forEach((at, bit) => {
      if (n & (1 << bit)) chars[at] = (chars[at] ?? '').toUpperCase();
    });
    return chars.join('');
  });
}

/** A KubeConfig whose clients send Impersonate-User / Impersonate-Group on every request. */
class ImpersonatingKubeConfig extends KubeConfig {
  constructor(private readonly as: Impersonation) {
    super();
  }

  override async applySecurityAuthentication(context: RequestContext): Promise<void> {
    await super.applySecurityAuthentication(context);
    context.setHeaderParam('Impersonate-User', this.as.user);
    const names = casings('impersonate-group', this.as.groups.length);
    this.as.groups.forEach((group, i) => {
      context.setHeaderParam(names[i] ?? '', group);
    });
  }
}

/** A copy of `source` with `context` current, acting as `as` when given. */
export function kubeConfigAs(source: KubeConfig, context: string, as?: Impersonation): KubeConfig {
  const kc = as ? new ImpersonatingKubeConfig(as) : new KubeConfig();
  kc.loadFromOptions({
    clusters: source.clusters,
    users: source.users,
    contexts: source.contexts,
    currentContext: context,
  });
  return kc;
}
