import type { CommandHandler } from '../commands/types.ts';
import { outsideText } from '../render/outside-text.ts';
import { slackDate } from '../render/run-inline.ts';
import { tell } from '../slack-call.ts';
import type { GateEdgeDeps } from './gate-common.ts';

/**
 * Waivers from Slack: `/mc gate waive <gate-id> <gate> --for D --reason …` asks the gate service
 * for a waiver; `expire()` has it end every waiver past its expiry and says so in each thread.
 */
export function createGateWaivers(deps: GateEdgeDeps & { onWaiver?: () => void }) {
  const command: CommandHandler = async (request) => {
    const { args, flags } = request.command;
    const done = await deps.service.waive({
      id: args['gate-id'] ?? '',
      gate: args.gate ?? '',
      by: request.user.id,
      seconds: typeof flags.for === 'number' ? flags.for : undefined,
      reason: typeof flags.reason === 'string' ? flags.reason : undefined,
    });
    if ('refused' in done) {
      await tell(request, done.refused);
      return done.outcome;
    }
    const { waiver, published } = done;
    await deps.messages.show(published);
    await deps.messages.threadNote(
      published.run,
      `:warning: <@${waiver.by}> waived *${outsideText(waiver.gate)}* until ${slackDate(waiver.expiresAt)}: ${outsideText(waiver.reason)}`,
    );
    deps.onWaiver?.();
    await tell(
      request,
      `Waived *${waiver.gate}* on \`${published.run.id}\` until ${slackDate(waiver.expiresAt)}.`,
    );
    return 'ok';
  };

  /** Ends every waiver past its expiry once and notes it in the gate's thread. */
  function expire(): Promise<number> {
    return deps.service.expireWaivers(async ({ waiver, published }) => {
      await deps.messages.show(published);
      await deps.messages.threadNote(
        published.run,
        `:hourglass_flowing_sand: The waiver of *${waiver.gate}* by <@${waiver.by}> expired at ${slackDate(waiver.expiresAt)}; the decision is now *${published.decision.decision}*: ${published.decision.headline}`,
      );
    });
  }

  return { command, expire };
}
