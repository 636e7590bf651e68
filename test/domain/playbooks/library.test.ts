import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { createBuiltinActionRegistry } from '../../../src/actions/builtin-actions.ts';
import {
  formatConfigErrors,
  type LoadedConfig,
  loadConfig,
} from '../../../src/config/load-config.ts';
import type { TriagePlaybook } from '../../../src/domain/playbooks/schema.ts';
import { renderSteps } from '../../../src/domain/triage/render-steps.ts';
import { alert, deployed, page, t } from '../triage/world.ts';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const REQUIRED = [
  'deploy-regression',
  'http-5xx-surge',
  'latency-slo-burn',
  'pod-crashloop',
  'oom-killed',
  'replicas-unavailable',
  'queue-backlog',
  'db-saturation',
  'dependency-down',
  'cert-expiry',
];

let config: LoadedConfig;
let triage: TriagePlaybook[];
beforeAll(async () => {
  const result = await loadConfig(REPO_ROOT);
  if (!result.ok) throw new Error(formatConfigErrors(result.errors));
  config = result.config;
  triage = config.playbooks.filter((p): p is TriagePlaybook => p.kind === 'triage');
});

describe('playbooks/triage: the default library', () => {
  it('has every required playbook, one per file named after its id', () => {
    expect(triage.map((p) => p.id)).toEqual(expect.arrayContaining(REQUIRED));
    const files = config.playbookFiles.filter((f) => f.startsWith('playbooks/triage/'));
    expect(files.map((f) => path.posix.basename(f, '.yml')).sort()).toEqual(
      triage.map((p) => p.id).sort(),
    );
  });

  it.each(REQUIRED)('%s is tested: some case expects it on top', (id) => {
    const cases = config.playbookTests.flatMap((f) => f.cases);
    expect(cases.some((c) => c.expect.top === id)).toBe(true);
  });

  it('starts every runnable playbook with a reversible action; notify-only ones show evidence', () => {
    const actions = createBuiltinActionRegistry();
    for (const playbook of triage) {
      const first = playbook.steps[0];
      if (playbook.notifyOnly) expect(playbook.evidence.length, playbook.id).toBeGreaterThan(0);
      else expect(first && actions.get(first.action).reversible, playbook.id).toBe(true);
    }
    expect(triage.filter((p) => p.notifyOnly).map((p) => p.id)).toEqual(
      expect.arrayContaining(['cert-expiry', 'db-saturation']),
    );
  });

  it('renders every playbook for a real incident with no variable missing and params that fit', () => {
    const actions = createBuiltinActionRegistry();
    const incident = {
      id: 'inc-1',
      service: 'checkout',
      env: 'prod',
      status: 'open' as const,
      openedAt: t('03:14'),
      updatedAt: t('03:14'),
      firstSignalAt: t('03:14'),
      signals: [
        alert('fp', 'KubePodCrashLooping', '03:14', {
          labels: {
            alertname: 'KubePodCrashLooping',
            namespace: 'checkout',
            pod: 'checkout-7d9f-x',
          },
        }),
        page('Q2KX9L7RM1ZB4T', '[FIRING:1] KubePodCrashLooping', '03:15'),
      ],
      deploys: [deployed('03:10')],
    };
    for (const playbook of triage) {
      const rendered = renderSteps(playbook, incident);
      expect(rendered.missing, playbook.id).toEqual([]);
      expect(rendered.skipped, playbook.id).toEqual([]);
      for (const step of rendered.steps) {
        expect(
          actions.validateParams(step.action, step.params),
          `${playbook.id} ${step.action}`,
        ).toMatchObject({
          ok: true,
        });
      }
    }
  });
});
