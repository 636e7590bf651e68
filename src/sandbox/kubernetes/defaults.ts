import { isObject, type JsonObject } from './json.ts';
import type { KubeObject } from './types.ts';

function setDefault(target: JsonObject, key: string, value: JsonObject[string]): void {
  if (target[key] === undefined) target[key] = value;
}

function defaultContainer(container: JsonObject): void {
  const image = typeof container.image === 'string' ? container.image : '';
  const latest = !/:[^/]+$/.test(image) || image.endsWith(':latest');
  setDefault(container, 'imagePullPolicy', latest ? 'Always' : 'IfNotPresent');
  setDefault(container, 'terminationMessagePath', '/dev/termination-log');
  setDefault(container, 'terminationMessagePolicy', 'File');
  setDefault(container, 'resources', {});
  // Ports get protocol TCP, as describe's `Port: 80/TCP` shows.
  if (Array.isArray(container.ports))
    for (const port of container.ports.filter(isObject)) setDefault(port, 'protocol', 'TCP');
}

/**
 * Removes null fields, as decoding into Go types does for built-in kinds: kubectl sends
 * `creationTimestamp: null` in templates, and the stored object must not keep it (it would make
 * an undone template differ from the ReplicaSet it came from).
 */
export function dropNulls(value: unknown): void {
  if (Array.isArray(value)) {
    for (const item of value) dropNulls(item);
    return;
  }
  if (!isObject(value)) return;
  for (const [key, child] of Object.entries(value)) {
    if (child === null) delete value[key];
    else dropNulls(child);
  }
}

/** Fills the pod spec defaults the API server adds, so stored templates look (and compare) real. */
export function defaultPodSpec(spec: unknown): void {
  if (!isObject(spec)) return;
  for (const list of ['containers', 'initContainers']) {
    const containers = spec[list];
    if (Array.isArray(containers)) containers.filter(isObject).forEach(defaultContainer);
  }
  setDefault(spec, 'restartPolicy', 'Always');
  setDefault(spec, 'terminationGracePeriodSeconds', 30);
  setDefault(spec, 'dnsPolicy', 'ClusterFirst');
  setDefault(spec, 'securityContext', {});
  setDefault(spec, 'schedulerName', 'default-scheduler');
}

/** Deployment and ReplicaSet defaults (apps/v1): replicas, strategy, history, deadline. */
export function defaultWorkload(obj: KubeObject): void {
  if (!isObject(obj.spec)) return;
  const spec = obj.spec;
  setDefault(spec, 'replicas', 1);
  if (isObject(spec.template)) {
    setDefault(spec.template, 'metadata', {});
    defaultPodSpec(spec.template.spec);
  }
  if (obj.kind !== 'Deployment') return;
  setDefault(spec, 'strategy', { type: 'RollingUpdate' });
  const strategy = spec.strategy as JsonObject;
  setDefault(strategy, 'type', 'RollingUpdate');
  if (strategy.type === 'RollingUpdate') {
    setDefault(strategy, 'rollingUpdate', {});
    const rolling = strategy.rollingUpdate as JsonObject;
    setDefault(rolling, 'maxUnavailable', '25%');
    setDefault(rolling, 'maxSurge', '25%');
  }
  setDefault(spec, 'revisionHistoryLimit', 10);
  setDefault(spec, 'progressDeadlineSeconds', 600);
}
