import { describe, expect, it } from 'vitest';
import { TriagePlaybook } from '../../../src/domain/playbooks/schema.ts';
import { renderSteps } from '../../../src/domain/triage/render-steps.ts';
import type { Incident, Signal } from '../../../src/domain/triage/schema.ts';
import { alert, deployed, page, t } from './world.ts';

const rollback = TriagePlaybook.parse({
  id: 'deploy-regression',
  kind: 'triage',
  title: 'Roll back',
  description: 'Roll back the deploy.',
  match: { alerts: ['KubePodCrashLooping'], recentDeploy: { withinMinutes: 30 } },
  require: ['recentDeploy'],
  confirm: {
    query: 'sum(rate(http_requests_total{service="{{ service }}",code=~"5.."}[5m]))',
    comparison: '>',
    threshold: 1,
  },
  steps: [
    {
      action: 'k8s.rollout-undo',
      params: { service: '{{ service }}', env: '{{ env }}' },
      description: 'Back from {{ deploy.to }} to {{ deploy.from }}',
    },
    {
      action: 'pagerduty.note',
      optional: true,
      params: {
        incidentId: '{{ pagerduty.id }}',
        content: 'Rolling back {{ deploy.to }} in {{ labels.namespace }}',
      },
    },
  ],
  evidence: [
    { title: 'Pods of {{ labels.pod }}', query: 'up{namespace="{{ labels.namespace }}"}' },
  ],
});

function incident(signals: Signal[], deploys: Signal[]): Incident {
  return {
    id: 'inc-7',
    service: 'checkout',
    env: 'prod',
    status: 'open',
    openedAt: t('03:14'),
    updatedAt: t('03:14'),
    firstSignalAt: t('03:14'),
    signals,
    deploys,
  };
}

const crash = alert('fp', 'KubePodCrashLooping', '03:14', {
  labels: { alertname: 'KubePodCrashLooping', namespace: 'checkout', pod: 'checkout-7d9f-x2x9q' },
});

describe('domain/triage/render-steps', () => {
  it('fills params from the incident, the matched alert, the deploy and the PagerDuty incident', () => {
    const rendered = renderSteps(
      rollback,
      incident(
        [crash, page('Q2KX9L7RM1ZB4T', '[FIRING:1] KubePodCrashLooping', '03:15')],
        [deployed('03:10')],
      ),
    );
    expect(rendered).toEqual({
      playbook: 'deploy-regression',
      notifyOnly: false,
      steps: [
        {
          action: 'k8s.rollout-undo',
          params: { service: 'checkout', env: 'prod' },
          description: 'Back from 1.4.2 to 1.4.1',
        },
        {
          action: 'pagerduty.note',
          params: { incidentId: 'Q2KX9L7RM1ZB4T', content: 'Rolling back 1.4.2 in checkout' },
        },
      ],
      skipped: [],
      missing: [],
      confirm: {
        query: 'sum(rate(http_requests_total{service="checkout",code=~"5.."}[5m]))',
        comparison: '>',
        threshold: 1,
      },
      evidence: [{ title: 'Pods of checkout-7d9f-x2x9q', query: 'up{namespace="checkout"}' }],
    });
  });

  it('skips an optional step whose variables are missing (no PagerDuty incident here)', () => {
    const rendered = renderSteps(rollback, incident([crash], [deployed('03:10')]));
    expect(rendered.steps.map((s) => s.action)).toEqual(['k8s.rollout-undo']);
    expect(rendered.skipped).toEqual([{ action: 'pagerduty.note', missing: ['pagerduty.id'] }]);
    expect(rendered.missing).toEqual([]);
  });

  it('never notes a resolved PagerDuty incident: the note step is skipped', () => {
    const resolvedPage: Signal = {
      ...page('Q2KX9L7RM1ZB4T', '[FIRING:1] KubePodCrashLooping', '03:15'),
      status: 'resolved',
      resolvedAt: t('03:20'),
      at: t('03:20'),
    };
    const rendered = renderSteps(rollback, incident([crash, resolvedPage], [deployed('03:10')]));
    expect(rendered.steps.map((s) => s.action)).toEqual(['k8s.rollout-undo']);
    expect(rendered.skipped).toEqual([{ action: 'pagerduty.note', missing: ['pagerduty.id'] }]);
  });

  it('lists the variables a required step lacks: such a plan cannot run', () => {
    const rendered = renderSteps(rollback, { ...incident([crash], []), service: undefined });
    expect(rendered.missing).toEqual(['service']);
    expect(rendered.steps[0]?.params).toEqual({ service: '', env: 'prod' });
  });
});
