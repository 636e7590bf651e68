import type { GatePlaybook } from '../../domain/playbooks/gate-schema.ts';
import type { Decision } from '../../gates/decide-gate.ts';
import type { GateService, GateState, Published } from '../../gates/gate-service.ts';
import type { GateRun } from '../../gates/gate-store.ts';
import type { Logger } from '../../telemetry/logger.ts';
import { renderGateMessage } from '../render/gate-message.ts';
import type { SlackWebClient } from '../web-client.ts';

/**
 * Keeps the ONE gate message of an evaluation in step with what the gate service decided, and
 * links each newly recorded GO / NO-GO manifest in its thread.
 */
export function createGateMessages(deps: {
  service: Pick<GateService, 'state'>;
  client: SlackWebClient;
  clock: () => Date;
  log: Logger;
}) {
  const { client, clock } = deps;

  function message(run: GateRun, set: GatePlaybook, s: GateState) {
    return renderGateMessage({
      title: set.title,
      setId: set.id,
      gateId: run.id,
      service: run.service,
      env: run.env,
      version: run.version,
      requester: run.requester,
      decision: s.decision,
      ranAt: run.evaluatedAt,
      signOffs: s.signOffs,
      waivers: s.waivers,
      now: clock(),
      waiverRoles: set.waivers?.roles ?? [],
      ...(run.decisionEvidenceUrl
        ? {
            evidence: {
              url: run.decisionEvidenceUrl,
              decision: (run.decisionKey?.split('|')[0] ?? 'NO-GO') as Decision,
            },
          }
        : {}),
    });
  }

  /** Posts a line in the gate message's thread; a failure is logged, never thrown. */
  async function threadNote(run: GateRun, text: string): Promise<void> {
    if (!run.message) return;
    try {
      await client.chat.postMessage({
        channel: run.message.channel,
        thread_ts: run.message.ts,
        text,
        unfurl_links: false,
      });
    } catch (error) {
      deps.log.warn({ err: error, gate: run.id }, 'gate thread note not posted');
    }
  }

  return {
    threadNote,
    /** The message for an evaluation as stored now (for the first post). */
    async render(run: GateRun, set: GatePlaybook) {
      return message(run, set, await deps.service.state(run, set));
    },
    /** After a published change: the new decision's manifest in the thread, the message edited. */
    async show(published: Published) {
      const { run, set, state } = published;
      if (published.recorded) {
        await threadNote(
          run,
          `:page_facing_up: *${state.decision.decision}* recorded as a signed manifest (${state.decision.headline}): ${published.recorded.url}`,
        );
      }
      const rendered = message(run, set, state);
      if (run.message) {
        await client.chat.update({
          channel: run.message.channel,
          ts: run.message.ts,
          text: rendered.text,
          blocks: rendered.blocks,
        });
      }
      return rendered;
    },
  };
}
export type GateMessages = ReturnType<typeof createGateMessages>;
