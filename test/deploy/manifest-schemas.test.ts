import { describe, expect, it } from 'vitest';
import { type KubeObject, OVERLAYS, renderOverlay } from './render-overlay.ts';

interface Model {
  validate(): void;
}
type Models = Record<string, (new (data: unknown) => Model) | undefined>;

/** The module of kubernetes-models (or its Prometheus Operator package) for an apiVersion. */
function modelModule(apiVersion: string): string {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  if (group === 'monitoring.coreos.com') {
    return `@kubernetes-models/prometheus-operator/${group}/${version}`;
  }
  return group ? `kubernetes-models/${group}/${version}` : `kubernetes-models/${version}`;
}

/** Validates one object against the OpenAPI schema of its kind; the problems, or [] when valid. */
async function schemaProblems(object: KubeObject): Promise<string[]> {
  const models = (await import(modelModule(object.apiVersion))) as Models;
  const Kind = models[object.kind];
  if (!Kind) return [`no schema for ${object.apiVersion} ${object.kind}`];
  try {
    new Kind(object).validate();
    return [];
  } catch (error) {
    return [`${object.kind}/${object.metadata.name}: ${(error as Error).message}`];
  }
}

describe.each(OVERLAYS)('deploy/overlays/%s against the Kubernetes OpenAPI schemas', (overlay) => {
  it('renders with kubectl kustomize and every object validates', async () => {
    const objects = await renderOverlay(overlay);
    const problems = (await Promise.all(objects.map(schemaProblems))).flat();
    expect(problems).toEqual([]);
    expect(objects.map((o) => o.kind)).toEqual(
      expect.arrayContaining([
        'Namespace',
        'ServiceAccount',
        'ConfigMap',
        'Service',
        'Deployment',
        'PodDisruptionBudget',
        'NetworkPolicy',
        'Ingress',
        'ServiceMonitor',
        'PrometheusRule',
      ]),
    );
  });
});

describe('the schema check itself', () => {
  it('refuses an object that breaks its schema, so a pass above means something', async () => {
    const [deployment] = (await renderOverlay('single')).filter((o) => o.kind === 'Deployment');
    const broken = structuredClone(deployment) as KubeObject;
    broken.spec.template.spec.containers[0].securityContext.runAsNonRoot = 'yes';
    delete broken.spec.selector;
    const problems = await schemaProblems(broken);
    expect(problems.join('\n')).toMatch(/runAsNonRoot must be boolean|selector/);
  });
});
