import { selectorString } from './label-selector.ts';
import { POD_PRINTER } from './pod-printer.ts';
import {
  AGE,
  age,
  block,
  type Cell,
  col,
  NAME,
  num,
  type Printer,
  WORKLOAD_WIDE,
} from './print-helpers.ts';
import type { Container, KubeObject, LabelSelector } from './types.ts';

export type { Cell, Column, Printer } from './print-helpers.ts';

function templateCells(obj: KubeObject): string[] {
  const spec = block(obj.spec);
  const containers = (block(block(spec.template).spec).containers ?? []) as Container[];
  return [
    containers.map((c) => c.name).join(','),
    containers.map((c) => c.image ?? '').join(','),
    selectorString(spec.selector as LabelSelector | undefined),
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
  Pod: POD_PRINTER,
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
