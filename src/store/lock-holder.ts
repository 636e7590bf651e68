import { z } from 'zod';

/** Who holds a data dir, as written into its mc.lock. A PID alone proves nothing across hosts or PID namespaces. */
export const LockHolder = z.object({
  pid: z.number().int().positive(),
  hostname: z.string().min(1),
  /** The kernel's boot id: tells a reboot (or another machine) from the same host. */
  bootId: z.string().min(1),
  /** Random per process start: tells two processes apart even when host and PID match. */
  instanceId: z.string().min(1),
  startedAt: z.string().min(1),
});
export type LockHolder = z.infer<typeof LockHolder>;

/** One JSON line. */
export function formatHolder(holder: LockHolder): string {
  return `${JSON.stringify(holder)}\n`;
}

/** The holder an mc.lock names, or null when it is not one this version wrote. */
export function parseHolder(content: string): LockHolder | null {
  try {
    const parsed = LockHolder.safeParse(JSON.parse(content.split('\n')[0] ?? ''));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
