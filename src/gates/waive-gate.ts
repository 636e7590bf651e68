import { parseDuration } from '../domain/commands/value-types.ts';
import type { GatePlaybook } from '../domain/playbooks/gate-schema.ts';
import { isoInstant } from '../util/iso-instant.ts';
import { gateStatus } from './decide-gate.ts';
import type { GateRun, StoredWaiver } from './gate-store.ts';
import type { GateRefusal, Published } from './publish-gate.ts';
import type { SignOffParts } from './sign-off-gate.ts';

const MAX_REASON = 500;

/** A waiver asked for: the gate as typed (number, name or unique prefix), how long, why. */
export interface WaiverRequest {
  id: string;
  gate: string;
  by: string;
  seconds: number | undefined;
  reason: string | undefined;
}

/** The gate a person named: its number in the message, its name, or a unique name prefix. */
function pickGate(run: GateRun, typed: string) {
  const rows = run.results;
  const number = /^\d+$/.test(typed) ? Number(typed) : undefined;
  if (number !== undefined) return rows[number - 1];
  const wanted = typed.trim().toLowerCase();
  const exact = rows.find((r) => r.name.toLowerCase() === wanted);
  if (exact) return exact;
  const prefixed = rows.filter((r) => r.name.toLowerCase().startsWith(wanted));
  return wanted.length > 0 && prefixed.length === 1 ? prefixed[0] : undefined;
}

const listGates = (run: GateRun) => run.results.map((r, i) => `${i + 1}. ${r.name}`).join(', ');

/**
 * Waivers: a holder of one of the set's waiver roles waives a gate that did not pass, for at
 * most `waivers.maxDuration`; `expireWaivers()` turns every waiver past its expiry back into
 * what the gate is (ledger, decision, evidence).
 */
export function createWaivers(deps: SignOffParts) {
  const clock = deps.sources.clock;

  async function refusal(
    input: WaiverRequest,
    found: { run: GateRun; set: GatePlaybook },
  ): Promise<string | { gate: string; seconds: number; reason: string }> {
    const { run, set } = found;
    if (!set.waivers) {
      return `Gate set \`${set.id}\` allows no waivers (add \`waivers.roles\` to it to allow them).`;
    }
    const holds = await deps.roles.rolesOf(input.by);
    if (!set.waivers.roles.some((r) => holds.has(r))) {
      return `Only a holder of ${set.waivers.roles.map((r) => `\`${r}\``).join(' or ')} may waive a gate of \`${set.id}\`.`;
    }
    const row = pickGate(run, input.gate);
    if (!row)
      return `No gate \`${input.gate}\` in this evaluation; name one of: ${listGates(run)}.`;
    const { seconds } = input;
    const max = parseDuration(set.waivers.maxDuration) ?? 0;
    if (seconds === undefined) {
      return 'Say how long the waiver holds: `--for 24h` (it expires on its own).';
    }
    if (seconds > max) {
      return `A waiver may hold at most ${set.waivers.maxDuration} in \`${set.id}\`; ask for less than \`--for ${seconds}\`… or fix the gate.`;
    }
    const reason = input.reason?.trim() ?? '';
    if (reason.length === 0) {
      return 'Say why the release may go without this gate: `--reason …` (last, it takes the rest of the line).';
    }
    if (reason.length > MAX_REASON) {
      return `Your reason is ${reason.length} characters; keep it within ${MAX_REASON} and link to the details.`;
    }
    const now = clock();
    const active = (await deps.store.waivers(run.id)).find(
      (w) => w.gate === row.name && w.expiresAt.getTime() > now.getTime(),
    );
    if (active) {
      return `*${row.name}* is already waived by <@${active.by}> until ${isoInstant(active.expiresAt)}.`;
    }
    if (gateStatus(row, undefined, now) === 'passed') {
      return `*${row.name}* passed; there is nothing to waive.`;
    }
    return { gate: row.name, seconds, reason };
  }

  /** Waives one gate of a stored evaluation, or says why not. */
  async function waive(
    input: WaiverRequest,
  ): Promise<{ waiver: StoredWaiver; published: Published } | GateRefusal> {
    const found = await deps.findGate(input.id);
    if (typeof found === 'string') return { refused: found, outcome: 'invalid' };
    const checked = await refusal(input, found);
    if (typeof checked === 'string') return { refused: checked, outcome: 'denied' };
    const at = clock();
    const waiver = await deps.store.addWaiver(found.run.id, {
      gate: checked.gate,
      by: input.by,
      reason: checked.reason,
      at,
      expiresAt: new Date(at.getTime() + checked.seconds * 1000),
    });
    const published = await deps.publish(found.run, found.set, {
      actor: input.by,
      kind: 'gate.waived',
      data: {
        gate: waiver.gate,
        reason: waiver.reason,
        expiresAt: waiver.expiresAt.toISOString(),
      },
    });
    return { waiver, published };
  }

  /**
   * Acts on every waiver past its expiry once (a claim in the store makes it once), calling
   * `each` after each one is published; returns how many it handled.
   */
  async function expireWaivers(
    each: (expired: { waiver: StoredWaiver; published: Published }) => Promise<void>,
  ): Promise<number> {
    const now = clock();
    let done = 0;
    for (const waiver of await deps.store.expiredUnnoted(now)) {
      if (!(await deps.store.noteExpiry(waiver.id, now))) continue;
      const found = await deps.findGate(waiver.gateId);
      if (typeof found === 'string') continue;
      const published = await deps.publish(found.run, found.set, {
        actor: 'mc',
        kind: 'gate.waiver-expired',
        data: {
          gate: waiver.gate,
          waivedBy: waiver.by,
          expiredAt: waiver.expiresAt.toISOString(),
        },
      });
      await each({ waiver, published });
      done += 1;
    }
    return done;
  }

  return { waive, expireWaivers };
}
