import { randomBytes, randomUUID } from 'node:crypto';
import type { Clock } from './clock.ts';
import { alreadyExists, badRequest, conflict, invalid, notFound } from './errors.ts';
import { clone, deepEqual } from './json.ts';
import { apiVersionOf, type ResourceDef, resourceFor } from './resources.ts';
import type { KubeObject, SeedObject } from './types.ts';
import { createWatchLog, type WatchLog } from './watch-log.ts';

export interface WriteOptions {
  /** Compute and answer the result without persisting it (`?dryRun=All`). */
  dryRun?: boolean;
  /** Keep `status` from the input on create (seeding); the API server resets it. */
  keepStatus?: boolean;
}

export interface UpdateOptions extends WriteOptions {
  /** Write through the /status subresource: only status changes. */
  subresource?: 'status';
}

/** One cluster's objects, with the API server's metadata rules (uid, resourceVersion, generation). */
export interface Store {
  get(resource: ResourceDef, namespace: string | undefined, name: string): KubeObject | undefined;
  list(resource: ResourceDef, namespace?: string): KubeObject[];
  create(resource: ResourceDef, input: SeedObject, options?: WriteOptions): KubeObject;
  update(resource: ResourceDef, input: SeedObject, options?: UpdateOptions): KubeObject;
  remove(resource: ResourceDef, namespace: string | undefined, name: string): KubeObject;
  /** Sets deletionTimestamp/deletionGracePeriodSeconds (graceful deletion begins). */
  markDeleting(resource: ResourceDef, obj: KubeObject): KubeObject;
  /** The latest resourceVersion handed out (lists carry it). */
  resourceVersion(): string;
  /** Recent changes, for watches. */
  readonly changes: WatchLog;
}

const NAME_CHARS = 'bcdfghjklmnpqrstvwxz2456789';

/** Five random characters from the alphabet Kubernetes uses for generated names. */
export function randomSuffix(length = 5): string {
  return Array.from(randomBytes(length), (b) => NAME_CHARS[b % NAME_CHARS.length]).join('');
}

function keyOf(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}

/** What counts as "spec" for generation: spec for built-ins, everything but metadata/status for CRs. */
function specOf(resource: ResourceDef, obj: KubeObject): unknown {
  if (!resource.custom) return obj.spec;
  const { metadata: _m, status: _s, ...rest } = obj;
  return rest;
}

/** Creates an empty store whose timestamps come from the given clock; `watchCacheSize` changes are kept for watches. */
export function createStore(clock: Clock, watchCacheSize = 1000): Store {
  const tables = new Map<string, Map<string, KubeObject>>();
  let counter = 1000;
  const changes = createWatchLog(watchCacheSize, counter);
  const table = (resource: ResourceDef) => {
    let found = tables.get(resource.plural);
    if (!found) {
      found = new Map();
      tables.set(resource.plural, found);
    }
    return found;
  };
  const nextVersion = () => String(++counter);

  function ensureNamespace(namespace: string): void {
    const namespaces = resourceFor('Namespace');
    if (table(namespaces).has(keyOf(undefined, namespace))) return;
    const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } };
    create(
      namespaces,
      { ...ns, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } },
      { keepStatus: true },
    );
  }

  function create(
    resource: ResourceDef,
    input: SeedObject,
    options: WriteOptions = {},
  ): KubeObject {
    const obj = clone(input) as KubeObject;
    const meta = obj.metadata;
    if (!meta.name && typeof meta.generateName === 'string')
      meta.name = `${meta.generateName}${randomSuffix()}`;
    if (!meta.name)
      throw invalid(
        resource,
        '',
        'metadata.name',
        'Required value: name or generateName is required',
      );
    if (resource.namespaced && !meta.namespace) meta.namespace = 'default';
    if (!resource.namespaced) delete meta.namespace;
    const rows = table(resource);
    if (rows.has(keyOf(meta.namespace, meta.name))) throw alreadyExists(resource, meta.name);
    obj.apiVersion = apiVersionOf(resource);
    obj.kind = resource.kind;
    meta.uid = randomUUID();
    meta.creationTimestamp = clock.iso();
    delete meta.deletionTimestamp;
    if (resource.generation) meta.generation = 1;
    else delete meta.generation;
    if (resource.status && !options.keepStatus) delete obj.status;
    if (options.dryRun) return { ...obj, metadata: { ...meta, resourceVersion: '' } };
    if (meta.namespace) ensureNamespace(meta.namespace);
    meta.resourceVersion = nextVersion();
    rows.set(keyOf(meta.namespace, meta.name), obj);
    changes.append({ type: 'ADDED', resource, object: obj, resourceVersion: counter });
    return clone(obj);
  }

  function update(
    resource: ResourceDef,
    input: SeedObject,
    options: UpdateOptions = {},
  ): KubeObject {
    const incoming = clone(input) as KubeObject;
    const name = incoming.metadata.name;
    const namespace = resource.namespaced ? incoming.metadata.namespace : undefined;
    const existing = table(resource).get(keyOf(namespace, name));
    if (!existing) throw notFound(resource, name);
    const wanted = incoming.metadata.resourceVersion;
    if (wanted && wanted !== existing.metadata.resourceVersion) throw conflict(resource, name);
    let next: KubeObject;
    if (options.subresource === 'status') {
      next = clone(existing);
      if (incoming.status === undefined) delete next.status;
      else next.status = incoming.status;
    } else {
      next = incoming;
      if (resource.status) {
        if (existing.status === undefined) delete next.status;
        else next.status = clone(existing.status);
      }
    }
    next.apiVersion = existing.apiVersion;
    next.kind = existing.kind;
    const { uid, creationTimestamp, generation, deletionTimestamp } = existing.metadata;
    next.metadata = { ...next.metadata, name, uid, creationTimestamp };
    if (namespace) next.metadata.namespace = namespace;
    if (deletionTimestamp) next.metadata.deletionTimestamp = deletionTimestamp;
    if (generation !== undefined) {
      const changed = !deepEqual(specOf(resource, existing), specOf(resource, next));
      next.metadata.generation = changed ? generation + 1 : generation;
    }
    next.metadata.resourceVersion = existing.metadata.resourceVersion;
    // The API server skips no-op writes: same object, same resourceVersion.
    if (deepEqual(next, existing) || options.dryRun) return clone(next);
    next.metadata.resourceVersion = nextVersion();
    table(resource).set(keyOf(namespace, name), next);
    const change = { resource, object: next, previous: existing, resourceVersion: counter };
    changes.append({ type: 'MODIFIED', ...change });
    return clone(next);
  }

  function remove(resource: ResourceDef, namespace: string | undefined, name: string): KubeObject {
    const rows = table(resource);
    const key = keyOf(resource.namespaced ? namespace : undefined, name);
    const existing = rows.get(key);
    if (!existing) throw notFound(resource, name);
    rows.delete(key);
    const resourceVersion = Number(nextVersion());
    const last = {
      ...existing,
      metadata: { ...existing.metadata, resourceVersion: String(resourceVersion) },
    };
    changes.append({ type: 'DELETED', resource, object: last, resourceVersion });
    return clone(existing);
  }

  function markDeleting(resource: ResourceDef, obj: KubeObject): KubeObject {
    const key = keyOf(resource.namespaced ? obj.metadata.namespace : undefined, obj.metadata.name);
    const existing = table(resource).get(key);
    if (!existing) throw notFound(resource, obj.metadata.name);
    const { deletionTimestamp, deletionGracePeriodSeconds } = obj.metadata;
    const next = clone(existing);
    next.metadata = {
      ...next.metadata,
      deletionTimestamp,
      deletionGracePeriodSeconds,
      resourceVersion: nextVersion(),
    };
    table(resource).set(key, next);
    const resourceVersion = Number(next.metadata.resourceVersion);
    changes.append({
      type: 'MODIFIED',
      resource,
      object: next,
      previous: existing,
      resourceVersion,
    });
    return clone(next);
  }

  return {
    changes,
    markDeleting,
    get: (resource, namespace, name) => {
      const found = table(resource).get(keyOf(resource.namespaced ? namespace : undefined, name));
      return found ? clone(found) : undefined;
    },
    list: (resource, namespace) =>
      [...table(resource).values()]
        .filter((o) => namespace === undefined || o.metadata.namespace === namespace)
        .sort((a, b) =>
          keyOf(a.metadata.namespace, a.metadata.name).localeCompare(
            keyOf(b.metadata.namespace, b.metadata.name),
          ),
        )
        .map(clone),
    create,
    update,
    remove,
    resourceVersion: () => String(counter),
  };
}

/** 400 when the body names a different object than the URL, as the API server answers. */
export function checkSameObject(
  url: { namespace?: string; name?: string },
  body: SeedObject,
): void {
  if (url.name !== undefined && body.metadata.name !== url.name) {
    throw badRequest(
      `the name of the object (${body.metadata.name}) does not match the name on the URL (${url.name})`,
    );
  }
  if (
    url.namespace !== undefined &&
    body.metadata.namespace &&
    body.metadata.namespace !== url.namespace
  ) {
    throw badRequest(
      'the namespace of the provided object does not match the namespace sent on the request',
    );
  }
}
