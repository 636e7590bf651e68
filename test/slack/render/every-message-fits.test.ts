import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decideGate } from '../../../src/gates/decide-gate.ts';
import { validateMessage } from '../../../src/sandbox/slack/block-kit/validate-payload.ts';
import type { SlackReply } from '../../../src/slack/render/blocks.ts';
import { renderGateMessage } from '../../../src/slack/render/gate-message.ts';
import { renderFinding } from '../../../src/slack/render/run-message.ts';
import { renderRunRefusal } from '../../../src/slack/render/run-refusal.ts';
import { renderHealthLines } from '../../../src/slack/render/status-views.ts';
import {
  renderTriageMessage,
  renderTriageNotice,
} from '../../../src/slack/render/triage-message.ts';
import {
  catalog,
  gateResults,
  roles,
  runFinding,
  text,
  triageFinding,
} from './support/arbitraries.ts';

const NOW = new Date('2026-12-07T04:00:00Z');
// Bounded: each property renders large messages; a few dozen runs find the edges quickly.
const RUNS = { numRuns: 40 };

type Element = { action_id?: string };
function actionIds(reply: SlackReply): string[] {
  return (reply.blocks as Array<{ type: string; elements?: Element[] }>)
    .filter((b) => b.type === 'actions')
    .flatMap((b) => b.elements!.map((e) => e.action_id ?? ''));
}

/** What Slack would answer: null when it accepts the message (as chat.postMessage would). */
function refusal(reply: SlackReply) {
  return validateMessage({ text: reply.text, blocks: reply.blocks });
}

const largest = { gateChecks: 0, roles: 0, signals: 0 };

describe('every message kind fits Slack, whatever the config and however large the incident', () => {
  it('gate messages: up to 100 checks, 30 roles, waivers and sign-offs with any reason', () => {
    fc.assert(
      fc.property(
        gateResults,
        roles,
        fc.array(text(), { maxLength: 5 }),
        fc.boolean(),
        (results, required, reasons, recorded) => {
          const waivers = reasons.map((reason, i) => ({
            gate: results[i % results.length]!.name,
            by: 'U02CAROL03',
            reason,
            expiresAt: new Date(NOW.getTime() + (i % 2 === 0 ? 3_600_000 : -3_600_000)),
          }));
          const signed = required.slice(0, reasons.length).map((role, i) => ({
            role,
            by: 'U0SRELEAD1',
            at: NOW,
            comment: reasons[i]!,
          }));
          const decision = decideGate({
            results,
            waivers,
            signOffs: signed,
            requiredRoles: required,
            now: NOW,
          });
          const reply = renderGateMessage({
            title: 'Release gate',
            setId: 'default',
            service: 'checkout',
            env: 'prod',
            version: 'v1.2.3',
            requester: 'U01ALICE01',
            decision,
            ranAt: NOW,
            gateId: 'g-1',
            signOffs: { valid: signed, invalidated: signed.slice(0, 2) },
            waivers,
            now: NOW,
            waiverRoles: required.slice(0, 3),
            ...(recorded
              ? { evidence: { url: 'https://mc.example/ev/1', decision: 'NO-GO' as const } }
              : {}),
          });
          expect(refusal(reply)).toBeNull();
          expect(actionIds(reply)).toEqual([
            'gate.rerun',
            ...decision.missingRoles.map((r) => `gate.signoff:${r}`),
          ]);
          const checks = results.reduce((n, g) => n + g.checks.length, 0);
          largest.gateChecks = Math.max(largest.gateChecks, checks);
          largest.roles = Math.max(largest.roles, required.length);
        },
      ),
      RUNS,
    );
    expect(largest.gateChecks).toBeGreaterThan(50);
  });

  it('run messages: long plans, many fields, notes and buttons', () => {
    fc.assert(
      fc.property(runFinding, (finding) => {
        const reply = renderFinding(finding);
        expect(refusal(reply)).toBeNull();
        expect(actionIds(reply)).toEqual(finding.buttons.map((b) => b.actionId));
      }),
      RUNS,
    );
  });

  it('triage messages: incidents of up to 500 alerts, with suggestions and buttons', () => {
    fc.assert(
      fc.property(triageFinding, (finding) => {
        const reply = renderTriageMessage(finding);
        expect(refusal(reply)).toBeNull();
        expect(actionIds(reply)).toEqual(finding.buttons.map((b) => b.actionId));
        largest.signals = Math.max(largest.signals, finding.signals.length);
      }),
      RUNS,
    );
    expect(largest.signals).toBeGreaterThan(250);
  });

  it('status from random catalogs, notices and refusals quoting any text', () => {
    fc.assert(
      fc.property(catalog, text(), text(), (cat, a, b) => {
        // Plain `/mc status`: a health line per service and environment of the catalog.
        const rows = Object.entries(cat.services).flatMap(([service, s], i) =>
          Object.keys(s.environments).map((env) =>
            i % 2 === 0
              ? { service, env, state: a }
              : { service, env, state: 'complete', problem: b },
          ),
        );
        expect(refusal(renderHealthLines(rows))).toBeNull();
        expect(refusal(renderTriageNotice(a, b))).toBeNull();
        expect(refusal(renderRunRefusal({ message: a, correlationId: 'c-1' }))).toBeNull();
      }),
      RUNS,
    );
  });
});
