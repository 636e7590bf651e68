import type { PagerDuty } from '../../adapters/pagerduty/client.ts';
import type { Ledger } from '../../evidence/ledger/create-ledger.ts';
import { decodeTriageButton, TRIAGE_ACTIONS } from '../../findings/triage-actions.ts';
import { otherSuggestions, triagePlanFinding, whyNotRun } from '../../findings/triage-plan.ts';
import { wrongPlace } from '../../runs/check-origin.ts';
import type { RunEngine } from '../../runs/types.ts';
import type { IncidentStore, StoredIncident } from '../../triage/incident-store.ts';
import { refOf, type TriageService } from '../../triage/triage-service.ts';
import { clickActor } from '../actor.ts';
import type { ActionHandler, ActionRequest } from '../listeners/action-listener.ts';
import {
  renderDryRun,
  renderOtherSuggestions,
  renderTriageNotice,
} from '../render/triage-message.ts';
import { acknowledgeIncident } from './acknowledge-incident.ts';
import type { TriagePoster } from './triage-poster.ts';

export interface TriageActionDeps {
  store: Pick<IncidentStore, 'get' | 'dismiss' | 'addRun'>;
  service: Pick<TriageService, 'acknowledge'>;
  engine: Pick<RunEngine, 'request' | 'permits'>;
  poster: Pick<TriagePoster, 'publish' | 'reply'>;
  ledger: Pick<Ledger, 'append'>;
  /** Absent when PAGERDUTY_TOKEN is not set. */
  pagerduty?: Pick<PagerDuty, 'acknowledge'> | undefined;
  /** Acknowledge the linked PagerDuty incidents on Run and Dismiss. Default true. */
  ackPagerDuty?: boolean;
  clock?: () => Date;
}

type Loaded = { ok: true; stored: StoredIncident; playbook?: string } | { ok: false };

/**
 * The triage buttons: Run / Request approval (a run through the engine, which decides its
 * policy), Dry run (the plan for the clicker only), Other suggestions, Dismiss (feedback in the
 * ledger; only someone the engine permits to act on the target, since it silences the page). Run and
 * Dismiss acknowledge the incident (MTTA) and its PagerDuty incidents. Buttons carry the
 * incident id and playbook; everything else is read again from the store.
 */
export function createTriageActionHandlers(deps: TriageActionDeps): Record<string, ActionHandler> {
  const clock = deps.clock ?? (() => new Date());

  async function load(request: ActionRequest): Promise<Loaded> {
    const value = decodeTriageButton(request.value);
    const stored = value ? await deps.store.get(value.incidentId) : undefined;
    if (!value || !stored) {
      await request.respond(
        renderTriageNotice(':warning: This triage message is out of date: its incident is gone.'),
      );
      return { ok: false };
    }
    // A button answers only where its message is (a copied or forged click is refused).
    const place = wrongPlace(
      { run: { id: stored.id }, message: stored.message },
      clickActor(request),
    );
    if (place) {
      request.log.warn({ incident: stored.id }, 'triage click from another channel');
      await request.respond(renderTriageNotice(`:no_entry: ${place}`));
      return { ok: false };
    }
    return value.playbook ? { ok: true, stored, playbook: value.playbook } : { ok: true, stored };
  }

  async function run(request: ActionRequest) {
    const loaded = await load(request);
    if (!loaded.ok) return;
    const { stored } = loaded;
    const suggestion = stored.triage.suggestions.find((s) => s.playbook === loaded.playbook);
    const { service, env } = stored.incident;
    const refusal = whyNotRun(stored, loaded.playbook);
    if (refusal || !suggestion || !service || !env) {
      deps.poster.publish(refOf(stored));
      await request.respond(renderTriageNotice(`:information_source: ${refusal}`));
      return;
    }
    // The engine decides the policy: the triage verb's, the environment's baseline and the
    // playbook's override, strictest wins. In a protected environment the run waits for an
    // approver, and its card goes in the incident's thread.
    const outcome = await deps.engine.request({
      verb: 'triage',
      target: { service, env },
      requester: clickActor(request),
      reason: `triage ${stored.id}: ${suggestion.title}`,
      steps: suggestion.plan.steps.map(({ action, params }) => ({ action, params })),
      playbook: suggestion.playbook,
      ...(stored.message
        ? { channel: stored.message.channel, threadTs: stored.message.ts }
        : request.channelId
          ? { channel: request.channelId }
          : {}),
    });
    if (!outcome.ok) {
      await request.respond(
        renderTriageNotice(`:no_entry: ${outcome.message}`, 'Nothing was run.'),
      );
      return;
    }
    const runId = outcome.view.run.id;
    const at = clock().toISOString();
    await deps.ledger.append({
      actor: request.user.id,
      kind: 'triage.run_requested',
      subject: `incident:${stored.id}`,
      data: {
        incident: stored.id,
        playbook: suggestion.playbook,
        run: runId,
        score: suggestion.score,
      },
    });
    await deps.store.addRun(stored.id, {
      id: runId,
      playbook: suggestion.playbook,
      by: request.user.id,
      at,
    });
    const notes = await acknowledgeIncident(deps, stored, request);
    const latest = await deps.store.get(stored.id);
    if (latest) deps.poster.publish(refOf(latest));
    if (stored.message) {
      const next =
        outcome.view.run.state === 'awaiting_approval'
          ? 'it waits for approval; its card follows in this thread'
          : 'its plan message follows';
      const line = `:arrow_forward: <@${request.user.id}> asked for run \`${runId}\` (${suggestion.playbook}); ${next}.`;
      deps.poster.reply(stored.message, renderTriageNotice(line));
    }
    await request.respond(
      renderTriageNotice(
        `:white_check_mark: Run \`${runId}\` created from \`${suggestion.playbook}\` (${outcome.view.run.state.replace('_', ' ')}).`,
        [outcome.message, ...notes].filter(Boolean).join(' '),
      ),
    );
  }

  async function dryRun(request: ActionRequest) {
    const loaded = await load(request);
    if (!loaded.ok) return;
    const { stored } = loaded;
    const suggestions = stored.triage.suggestions;
    const suggestion = suggestions.find((s) => s.playbook === loaded.playbook) ?? suggestions[0];
    if (!suggestion) {
      await request.respond(renderTriageNotice(`No playbook is suggested for \`${stored.id}\`.`));
      return;
    }
    await request.respond(renderDryRun(stored.id, triagePlanFinding(suggestion)));
  }

  async function others(request: ActionRequest) {
    const loaded = await load(request);
    if (!loaded.ok) return;
    await request.respond(
      renderOtherSuggestions(loaded.stored.id, otherSuggestions(loaded.stored)),
    );
  }

  async function dismiss(request: ActionRequest) {
    const loaded = await load(request);
    if (!loaded.ok) return;
    const { stored } = loaded;
    if (stored.dismissed) {
      await request.respond(renderTriageNotice(`\`${stored.id}\` was dismissed already.`));
      return;
    }
    // Dismiss acknowledges the page: only someone who may act on this target may silence it.
    const allowed = await deps.engine.permits({
      verb: 'triage',
      target: {
        service: stored.incident.service ?? 'unknown',
        env: stored.incident.env ?? 'unknown',
      },
      actor: clickActor(request),
    });
    if (!allowed.ok) {
      request.log.info({ incident: stored.id }, 'triage dismiss refused');
      await request.respond(
        renderTriageNotice(
          `:no_entry: ${allowed.message}`,
          'Nothing was dismissed or acknowledged.',
        ),
      );
      return;
    }
    const entry = await deps.ledger.append({
      actor: request.user.id,
      kind: 'triage.dismissed',
      subject: `incident:${stored.id}`,
      data: {
        incident: stored.id,
        service: stored.incident.service ?? null,
        env: stored.incident.env ?? null,
        playbook: loaded.playbook ?? null,
        suggestions: stored.triage.suggestions.map((s) => ({
          playbook: s.playbook,
          score: s.score,
        })),
        signals: stored.incident.signals.map((s) => s.name),
      },
    });
    await deps.store.dismiss(stored.id, request.user.id, clock());
    const notes = await acknowledgeIncident(deps, stored, request);
    const latest = await deps.store.get(stored.id);
    if (latest) deps.poster.publish(refOf(latest));
    await request.respond(
      renderTriageNotice(
        `:wastebasket: Suggestion for \`${stored.id}\` dismissed; feedback recorded (ledger #${entry.seq}).`,
        notes.join(' ') || undefined,
      ),
    );
  }

  return {
    [TRIAGE_ACTIONS.run]: run,
    [TRIAGE_ACTIONS.dryRun]: dryRun,
    [TRIAGE_ACTIONS.others]: others,
    [TRIAGE_ACTIONS.dismiss]: dismiss,
  };
}
