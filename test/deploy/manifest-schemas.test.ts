import { dumpYaml, loadAllYaml } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
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

/** Group of the Prometheus Operator's kinds: client-node has no model of them. */
const CUSTOM_GROUP = 'monitoring.coreos.com/';

/**
 * Fields that the Kubernetes API does not know, found as the official client does not keep them:
 * client-node reads an object into its typed model of that kind (an unknown field is dropped)
 * and writes it back. The JSON schemas above allow unknown fields; the API server would prune
 * them silently (or, with strict field validation, refuse the object).
 */
function unknownFields(object: KubeObject): string[] {
  if (object.apiVersion.startsWith(CUSTOM_GROUP)) return [];
  const [typed] = loadAllYaml(stringify(object));
  const kept = parse(dumpYaml(typed));
  const missing: string[] = [];
  const walk = (from: unknown, to: unknown, at: string) => {
    if (from === null || typeof from !== 'object') return;
    for (const [key, value] of Object.entries(from)) {
      const there = (to as Record<string, unknown> | undefined)?.[key];
      if (there === undefined) missing.push(`${object.kind}/${object.metadata.name}: ${at}/${key}`);
      else walk(value, there, `${at}/${key}`);
    }
  };
  walk(object, kept, '');
  return missing;
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

describe.each(OVERLAYS)('deploy/overlays/%s against the Kubernetes API types', (overlay) => {
  it('names no field the Kubernetes API does not know', async () => {
    const objects = await renderOverlay(overlay);
    expect(objects.flatMap(unknownFields)).toEqual([]);
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

  it('finds a misspelt field, which the schemas let through', async () => {
    const [deployment] = (await renderOverlay('ha')).filter((o) => o.kind === 'Deployment');
    const typo = structuredClone(deployment) as KubeObject;
    typo.spec.template.spec.containers[0].readinesProbe =
      typo.spec.template.spec.containers[0].readinessProbe;
    expect(await schemaProblems(typo)).toEqual([]);
    expect(unknownFields(typo)).toEqual([
      'Deployment/mc: /spec/template/spec/containers/0/readinesProbe',
    ]);
  });
});
