import { parseDuration } from '../../domain/commands/value-types.ts';
import { gateStatus } from '../../domain/gates/decide-gate.ts';
import type { GatePlaybook } from '../../domain/playbooks/gate-schema.ts';
import type { GateRun } from '../../gates/gate-store.ts';
import type { CommandHandler } from '../commands/types.ts';
import { outsideText } from '../render/outside-text.ts';
import { slackDate } from '../render/run-inline.ts';
import { findGate, type GateHandlerDeps, tell } from './gate-common.ts';

const MAX_REASON = 500;

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
 * Waivers: `/mc gate waive <gate-id> <gate> --for D --reason …` lets a holder of one of the set's
 * waiver roles waive a gate that did not pass, for at most `waivers.maxDuration`; and `expire()`
 * turns every waiver past its expiry back into what the gate is (ledger, message, thread).
 */
export function createGateWaivers(deps: GateHandlerDeps & { onWaiver?: () => void }) {
  const clock = deps.sources.clock;

  async function refusal(
    request: Parameters<CommandHandler>[0],
    found: { run: GateRun; set: GatePlaybook },
  ): Promise<string | { gate: string; seconds: number; reason: string }> {
    const { run, set } = found;
    const { args, flags } = request.command;
    if (!set.waivers) {
      return `Gate set \`${set.id}\` allows no waivers (add \`waivers.roles\` to it to allow them).`;
    }
    const holds = await deps.roles.rolesOf(request.user.id);
    if (!set.waivers.roles.some((r) => holds.has(r))) {
      return `Only a holder of ${set.waivers.roles.map((r) => `\`${r}\``).join(' or ')} may waive a gate of \`${set.id}\`.`;
    }
    const typed = args.gate ?? '';
    const row = pickGate(run, typed);
    if (!row) return `No gate \`${typed}\` in this evaluation; name one of: ${listGates(run)}.`;
    const seconds = typeof flags.for === 'number' ? flags.for : undefined;
    const max = parseDuration(set.waivers.maxDuration) ?? 0;
    if (seconds === undefined) {
      return 'Say how long the waiver holds: `--for 24h` (it expires on its own).';
    }
    if (seconds > max) {
      return `A waiver may hold at most ${set.waivers.maxDuration} in \`${set.id}\`; ask for less than \`--for ${flags.for}\`… or fix the gate.`;
    }
    const reason = typeof flags.reason === 'string' ? flags.reason.trim() : '';
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
      return `*${row.name}* is already waived by <@${active.by}> until ${slackDate(active.expiresAt)}.`;
    }
    if (gateStatus(row, undefined, now) === 'passed') {
      return `*${row.name}* passed; there is nothing to waive.`;
    }
    return { gate: row.name, seconds, reason };
  }

  const command: CommandHandler = async (request) => {
    const found = await findGate(deps, request.command.args['gate-id'] ?? '');
    if (typeof found === 'string') {
      await tell(request, found);
      return 'invalid';
    }
    const checked = await refusal(request, found);
    if (typeof checked === 'string') {
      await tell(request, checked);
      return 'denied';
    }
    const at = clock();
    const waiver = await deps.store.addWaiver(found.run.id, {
      gate: checked.gate,
      by: request.user.id,
      reason: checked.reason,
      at,
      expiresAt: new Date(at.getTime() + checked.seconds * 1000),
    });
    await deps.publisher.publish(found.run, found.set, {
      actor: request.user.id,
      kind: 'gate.waived',
      data: {
        gate: waiver.gate,
        reason: waiver.reason,
        expiresAt: waiver.expiresAt.toISOString(),
      },
    });
    await deps.publisher.threadNote(
      found.run,
      `:warning: <@${waiver.by}> waived *${outsideText(waiver.gate)}* until ${slackDate(waiver.expiresAt)}: ${outsideText(waiver.reason)}`,
    );
    deps.onWaiver?.();
    await tell(
      request,
      `Waived *${waiver.gate}* on \`${found.run.id}\` until ${slackDate(waiver.expiresAt)}.`,
    );
    return 'ok';
  };

  /** Acts on every waiver past its expiry once (a claim in the store makes it once). */
  async function expire(): Promise<number> {
    const now = clock();
    let done = 0;
    for (const waiver of await deps.store.expiredUnnoted(now)) {
      if (!(await deps.store.noteExpiry(waiver.id, now))) continue;
      const found = await findGate(deps, waiver.gateId);
      if (typeof found === 'string') continue;
      const published = await deps.publisher.publish(found.run, found.set, {
        actor: 'mc',
        kind: 'gate.waiver-expired',
        data: {
          gate: waiver.gate,
          waivedBy: waiver.by,
          expiredAt: waiver.expiresAt.toISOString(),
        },
      });
      await deps.publisher.threadNote(
        published.run,
        `:hourglass_flowing_sand: The waiver of *${waiver.gate}* by <@${waiver.by}> expired at ${slackDate(waiver.expiresAt)}; the decision is now *${published.decision.decision}*: ${published.decision.headline}`,
      );
      done += 1;
    }
    return done;
  }

  return { command, expire };
}
