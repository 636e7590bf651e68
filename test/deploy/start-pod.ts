import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { type Child, startMain, waitForLine } from '../support/main-process.ts';
import { type KubeObject, only, ROOT } from './render-overlay.ts';

const run = promisify(execFile);

/** The Secrets a user creates: name → key → value (files for volumes, strings for env). */
export type Secrets = Record<string, Record<string, string>>;

/** A pod's volumes as directories on this machine, and how pod paths map to them. */
export interface LocalPod {
  /** The path on this machine of `file` as `mounts` place it inside the container. */
  local(mounts: KubeObject[], file: string): string;
  /** The environment the kubelet gives `container`, its paths mapped to this machine. */
  env(container: KubeObject): Record<string, string>;
  /** Runs `container.command` as the container would (`mc` is this repository's CLI). */
  exec(container: KubeObject): Promise<{ stdout: string; stderr: string }>;
}

/**
 * Lays out a pod template on this machine as the kubelet would: each volume a directory under
 * `root`, ConfigMap items at their paths, Secret items written with the volume's mode (with
 * fsGroup the kubelet makes them group-readable, as here), then runs its init containers.
 */
export async function layOutPod(
  objects: KubeObject[],
  pod: KubeObject,
  secrets: Secrets,
  root: string,
): Promise<LocalPod> {
  const dirs = new Map<string, string>();
  for (const volume of pod.volumes as KubeObject[]) {
    const dir = path.join(root, 'volumes', volume.name);
    await mkdir(dir, { recursive: true, mode: 0o755 });
    dirs.set(volume.name, dir);
    const source = volume.configMap
      ? {
          data: only(objects, 'ConfigMap', volume.configMap.name).data,
          items: volume.configMap.items,
        }
      : volume.secret
        ? { data: secrets[volume.secret.secretName] ?? {}, items: volume.secret.items }
        : undefined;
    if (!source) continue;
    const items: { key: string; path: string }[] =
      source.items ?? Object.keys(source.data).map((key) => ({ key, path: key }));
    for (const item of items) {
      const value = source.data[item.key];
      if (value === undefined) throw new Error(`volume ${volume.name}: no key ${item.key}`);
      await mkdir(path.dirname(path.join(dir, item.path)), { recursive: true });
      await writeFile(path.join(dir, item.path), value, { mode: volume.secret ? 0o440 : 0o644 });
    }
  }
  const local = (mounts: KubeObject[], file: string): string => {
    const mount = (mounts ?? []).find(
      (m) => file === m.mountPath || file.startsWith(`${m.mountPath}/`),
    );
    if (!mount) return file;
    return path.join(dirs.get(mount.name) as string, path.relative(mount.mountPath, file));
  };
  const env = (container: KubeObject): Record<string, string> => {
    const out: Record<string, string> = {};
    for (const from of container.envFrom ?? []) {
      Object.assign(out, only(objects, 'ConfigMap', from.configMapRef.name).data);
    }
    for (const entry of container.env ?? []) {
      const ref = entry.valueFrom?.secretKeyRef;
      const value = ref ? secrets[ref.name]?.[ref.key] : local(container.volumeMounts, entry.value);
      if (value === undefined && !ref?.optional)
        throw new Error(`${container.name}: no value for ${entry.name}`);
      if (value !== undefined) out[entry.name] = value;
    }
    return out;
  };
  const exec = (container: KubeObject) => {
    const [command, ...args] = (container.command as string[]).map((a) =>
      local(container.volumeMounts, a),
    );
    const argv =
      command === 'mc'
        ? [process.execPath, '--import', 'tsx', path.join(ROOT, 'src', 'cli', 'main.ts'), ...args]
        : [command as string, ...args];
    return run(argv[0] as string, argv.slice(1), {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...env(container) },
      timeout: 60_000,
    });
  };
  for (const init of pod.initContainers ?? []) await exec(init);
  return { local, env, exec };
}

/** Starts the bot with `container`'s environment, on a free port of 127.0.0.1; its base URL. */
export async function startBot(
  laidOut: LocalPod,
  container: KubeObject,
  extra: Record<string, string>,
): Promise<{ bot: Child; baseUrl: string }> {
  const bot = startMain({ ...laidOut.env(container), ...extra, PORT: '0', HOST: '127.0.0.1' });
  const started = JSON.parse(await waitForLine(bot, /"mc started"/, 90_000));
  return { bot, baseUrl: `http://127.0.0.1:${started.port}` };
}
