import { humanDuration } from './human-duration.ts';
import { isObject } from './json.ts';
import { selectorString } from './label-selector.ts';
import type { Condition, Container, KubeObject, LabelSelector } from './types.ts';

/** One column of a server-side Table (meta.k8s.io/v1 TableColumnDefinition). */
export interface Column {
  name: string;
  type: 'string' | 'integer' | 'date';
  format: string;
  description: string;
  /** 0 is shown by `kubectl get`; 1 only with `-o wide`. */
  priority: number;
}

export type Cell = string | number | null;

export interface Printer {
  columns: Column[];
  cells(obj: KubeObject, now: number): Cell[];
}

function col(name: string, type: Column['type'], description: string, priority = 0): Column {
  return { name, type, format: name === 'Name' ? 'name' : '', description, priority };
}

const NAME = col('Name', 'string', 'Name must be unique within a namespace.');
const AGE = col(
  'Age',
  'string',
  'CreationTimestamp is a timestamp representing the server time when this object was created.',
);
const WORKLOAD_WIDE = [
  col('Containers', 'string', 'Names of each container in the template.', 1),
  col('Images', 'string', 'Images referenced by each container in the template.', 1),
  col('Selector', 'string', 'Label selector for pods.', 1),
];

type Loose = Record<string, unknown>;
const block = (value: unknown): Loose => (isObject(value) ? value : {});
const num = (value: unknown): number => (typeof value === 'number' ? value : 0);

function age(obj: KubeObject, now: number): string {
  return humanDuration(now - Date.parse(obj.metadata.creationTimestamp));
}

function templateCells(obj: KubeObject): string[] {
  const spec = block(obj.spec);
  const containers = (block(block(spec.template).spec).containers ?? []) as Container[];
  return [
    containers.map((c) => c.name).join(','),
    containers.map((c) => c.image ?? '').join(','),
    selectorString(spec.selector as LabelSelector | undefined),
  ];
}

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

function subjects(obj: KubeObject, kind: string): string {
  const list = (obj.subjects ?? []) as { kind: string; name: string; namespace?: string }[];
  return list
    .filter((s) => s.kind === kind)
    .map((s) => (kind === 'ServiceAccount' ? `${s.namespace ?? ''}/${s.name}` : s.name))
    .join(', ');
}

const BINDING: Printer = {
  columns: [
    NAME,
    col('Role', 'string', 'RoleRef references the role being bound.'),
    AGE,
    col('Users', 'string', 'Users in the binding.', 1),
    col('Groups', 'string', 'Groups in the binding.', 1),
    col('ServiceAccounts', 'string', 'ServiceAccounts in the binding.', 1),
  ],
  cells: (b, now) => {
    const ref = block(b.roleRef);
    return [
      b.metadata.name,
      `${String(ref.kind)}/${String(ref.name)}`,
      age(b, now),
      subjects(b, 'User'),
      subjects(b, 'Group'),
      subjects(b, 'ServiceAccount'),
    ];
  },
};

const ROLE: Printer = {
  columns: [
    NAME,
    col(
      'Created At',
      'date',
      'CreationTimestamp is a timestamp representing the server time when this object was created.',
    ),
  ],
  cells: (r) => [r.metadata.name, r.metadata.creationTimestamp],
};

/** The columns the 1.32 API server prints per kind (pkg/printers/internalversion), and Argo's CRD columns. */
export const PRINTERS: Record<string, Printer> = {
  Pod: {
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
  },
  Deployment: {
    columns: [
      NAME,
      col('Ready', 'string', 'Number of the pod with ready state'),
      col(
        'Up-to-date',
        'integer',
        'Total number of non-terminating pods targeted by this deployment that have the desired template spec.',
      ),
      col(
        'Available',
        'integer',
        'Total number of available non-terminating pods (ready for at least minReadySeconds) targeted by this deployment.',
      ),
      AGE,
      ...WORKLOAD_WIDE,
    ],
    cells: (d, now) => {
      const status = block(d.status);
      const desired = num(block(d.spec).replicas);
      return [
        d.metadata.name,
        `${num(status.readyReplicas)}/${desired}`,
        num(status.updatedReplicas),
        num(status.availableReplicas),
        age(d, now),
        ...templateCells(d),
      ];
    },
  },
  ReplicaSet: {
    columns: [
      NAME,
      col('Desired', 'integer', 'Replicas is the number of desired pods.'),
      col(
        'Current',
        'integer',
        'Replicas is the most recently observed number of non-terminating pods.',
      ),
      col(
        'Ready',
        'integer',
        'The number of non-terminating pods targeted by this ReplicaSet with a Ready Condition.',
      ),
      AGE,
      ...WORKLOAD_WIDE,
    ],
    cells: (rs, now) => {
      const status = block(rs.status);
      return [
        rs.metadata.name,
        num(block(rs.spec).replicas),
        num(status.replicas),
        num(status.readyReplicas),
        age(rs, now),
        ...templateCells(rs),
      ];
    },
  },
  ConfigMap: {
    columns: [NAME, col('Data', 'integer', 'Number of data keys in the ConfigMap.'), AGE],
    cells: (cm, now) => [
      cm.metadata.name,
      Object.keys(block(cm.data)).length + Object.keys(block(cm.binaryData)).length,
      age(cm, now),
    ],
  },
  Secret: {
    columns: [
      NAME,
      col('Type', 'string', 'The type of the secret'),
      col('Data', 'integer', 'Number of data keys in the Secret.'),
      AGE,
    ],
    cells: (s, now) => [
      s.metadata.name,
      String(s.type ?? 'Opaque'),
      Object.keys(block(s.data)).length,
      age(s, now),
    ],
  },
  Namespace: {
    columns: [NAME, col('Status', 'string', 'The status of the namespace'), AGE],
    cells: (ns, now) => [ns.metadata.name, String(block(ns.status).phase ?? ''), age(ns, now)],
  },
  Lease: {
    columns: [NAME, col('Holder', 'string', 'The holder of the lease.'), AGE],
    cells: (l, now) => [l.metadata.name, String(block(l.spec).holderIdentity ?? ''), age(l, now)],
  },
  Role: ROLE,
  ClusterRole: ROLE,
  RoleBinding: BINDING,
  ClusterRoleBinding: BINDING,
  // additionalPrinterColumns of rollouts.argoproj.io: absent values are null cells (`<none>`).
  Rollout: {
    columns: [
      NAME,
      col('Desired', 'integer', 'Number of desired pods'),
      col('Current', 'integer', 'Total number of non-terminated pods targeted by this rollout'),
      col(
        'Up-to-date',
        'integer',
        'Total number of non-terminated pods targeted by this rollout that have the desired template spec',
      ),
      col(
        'Available',
        'integer',
        'Total number of available pods (ready for at least minReadySeconds) targeted by this rollout',
      ),
      { ...col('Age', 'date', ''), description: '' },
    ],
    cells: (r, now) => {
      const spec = block(r.spec);
      const status = block(r.status);
      const value = (v: unknown): Cell => (typeof v === 'number' ? v : null);
      return [
        r.metadata.name,
        value(spec.replicas),
        value(status.replicas),
        value(status.updatedReplicas),
        value(status.availableReplicas),
        age(r, now),
      ];
    },
  },
};

/** The printer for a kind; kinds without one get NAME and AGE, like the API server's default. */
export function printerFor(kind: string): Printer {
  return (
    PRINTERS[kind] ?? { columns: [NAME, AGE], cells: (o, now) => [o.metadata.name, age(o, now)] }
  );
}
