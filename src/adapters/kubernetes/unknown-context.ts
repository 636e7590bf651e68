import { suggest } from '../../util/suggest.ts';
import { KubeError } from './kube-error.ts';

/** The KubeError (reason UnknownContext) for a context the kubeconfig lacks. */
export function unknownContextError(context: string, known: string[]): KubeError {
  const close = suggest(context, known);
  return new KubeError({
    status: 0,
    reason: 'UnknownContext',
    message: `the kubeconfig has no context "${context}" (known: ${known.join(', ') || 'none'}).${close ? ` Did you mean "${close}"?` : ''} Check KUBECONFIG and the contexts in catalog.yml.`,
  });
}
