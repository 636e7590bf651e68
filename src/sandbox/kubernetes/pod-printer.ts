import { humanDuration } from './human-duration.ts';
import {
  AGE,
  age,
  block,
  type Cell,
  col,
  type Loose,
  NAME,
  num,
  type Printer,
} from './print-helpers.ts';
import type { Condition, Container, KubeObject } from './types.ts';

interface ContainerStatus {
  ready?: boolean;
  restartCount?: number;
  state?: Record<string, Loose>;
  lastState?: { terminated?: { finishedAt?: string } };
}

/** READY, STATUS and RESTARTS the way the API server's pod printer derives them. */
function podCells(pod: KubeObject, now: number): Cell[] {
  const spec = block(pod.spec);
  const status = block(pod.status);
  const statuses = (status.containerStatuses ?? []) as ContainerStatus[];
  let reason = String(status.reason ?? status.phase ?? '');
  let restarts = 0;
  let ready = 0;
  let lastRestart = 0;
  for (const c of [...statuses].reverse()) {
    restarts += c.restartCount ?? 0;
    const finished = Date.parse(c.lastState?.terminated?.finishedAt ?? '');
    if (finished > lastRestart) lastRestart = finished;
    const waiting = c.state?.waiting;
    const terminated = c.state?.terminated;
    if (waiting?.reason) reason = String(waiting.reason);
    else if (terminated?.reason) reason = String(terminated.reason);
    else if (terminated) reason = `ExitCode:${num(terminated.exitCode)}`;
    else if (c.ready && c.state?.running) ready++;
  }
  const phase = String(status.phase ?? '');
  if (pod.metadata.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed')
    reason = 'Terminating';
  const restartText =
    restarts > 0 && lastRestart > 0
      ? `${restarts} (${humanDuration(now - lastRestart)} ago)`
      : String(restarts);
  const containers = (spec.containers ?? []) as Container[];
  const gates = (spec.readinessGates ?? []) as { conditionType: string }[];
  const conditions = (status.conditions ?? []) as Condition[];
  const gatesMet = gates.filter((g) =>
    conditions.some((c) => c.type === g.conditionType && c.status === 'True'),
  ).length;
  const podIP = ((status.podIPs ?? []) as { ip: string }[])[0]?.ip ?? status.podIP;
  return [
    pod.metadata.name,
    `${ready}/${containers.length}`,
    reason,
    restartText,
    age(pod, now),
    String(podIP || '<none>'),
    String(spec.nodeName || '<none>'),
    String(status.nominatedNodeName || '<none>'),
    gates.length > 0 ? `${gatesMet}/${gates.length}` : '<none>',
  ];
}

/** The 1.32 pod printer: READY, STATUS (waiting reason, Terminating), RESTARTS with when. */
export const POD_PRINTER: Printer = {
  columns: [
    NAME,
    col('Ready', 'string', 'The aggregate readiness state of this pod for accepting traffic.'),
    col('Status', 'string', 'The aggregate status of the containers in this pod.'),
    col(
      'Restarts',
      'string',
      'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.',
    ),
    AGE,
    col('IP', 'string', 'podIP address allocated to the pod.', 1),
    col('Node', 'string', 'NodeName indicates in which node this pod is scheduled.', 1),
    col(
      'Nominated Node',
      'string',
      'nominatedNodeName is set when this pod preempts other pods on the node.',
      1,
    ),
    col(
      'Readiness Gates',
      'string',
      'If specified, all readiness gates will be evaluated for pod readiness.',
      1,
    ),
  ],
  cells: podCells,
};
