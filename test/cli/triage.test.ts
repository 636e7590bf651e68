import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bufferIo } from '../../src/cli/io.ts';
import { runTriage } from '../../src/cli/triage.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = path.resolve(HERE, '../..');
const STORM = 'test/fixtures/triage/replay-storm.json';
const INVALID = 'test/fixtures/triage/replay-invalid.json';

async function triage(...argv: string[]) {
  const { io, stdout, stderr } = bufferIo(REPO_ROOT);
  const code = await runTriage(argv, io);
  return { code, stdout: stdout(), stderr: stderr() };
}

describe('cli/triage', () => {
  it('replays a bundle to incidents with ranked suggestions, best first, as JSON', async () => {
    const { code, stdout, stderr } = await triage('--input', STORM, '--format', 'json');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    const summary = report.incidents.map(
      (i: {
        service: string;
        env: string;
        signals: { source: string; name: string }[];
        suggestions: { playbook: string; score: number }[];
      }) => ({
        service: i.service,
        env: i.env,
        signals: i.signals.map((s) => `${s.source} ${s.name}`),
        suggestions: i.suggestions.map((s) => `${s.playbook} ${s.score}`),
      }),
    );
    expect(summary).toEqual([
      {
        service: 'checkout',
        env: 'prod',
        signals: [
          'deploy Deploy',
          'alertmanager KubePodCrashLooping',
          'pagerduty KubePodCrashLooping',
        ],
        suggestions: ['deploy-regression 190', 'pod-crashloop 150'],
      },
      {
        service: 'payments',
        env: 'prod',
        signals: ['alertmanager KubeDeploymentReplicasMismatch'],
        suggestions: ['replicas-unavailable 60'],
      },
    ]);
    expect(report.incidents[0].suggestions[0].reasons).toEqual([
      'alert `KubePodCrashLooping` matched on "CrashLoop"',
      'PagerDuty #4812 "KubePodCrashLooping prod (checkout kube-state-metrics warning)" matched "Crash"',
      'severity `warning`',
      'deploy `1.4.2` by @alice 4 min before first signal',
    ]);
    expect(report.incidents[0].suggestions[0].plan.steps).toEqual([
      {
        action: 'k8s.rollout-undo',
        params: { service: 'checkout', env: 'prod' },
        description: 'Roll checkout in prod back from 1.4.2 to 1.4.1',
      },
      {
        action: 'pagerduty.note',
        params: {
          incidentId: 'Q2KX9L7RM1ZB4T',
          content:
            'mc: rolling back checkout in prod from 1.4.2 to 1.4.1 (deployed by alice at 2026-11-22T03:10:02Z).',
        },
      },
    ]);
    expect(report.ignored).toEqual([
      expect.objectContaining({
        name: 'Watchdog',
        reason: 'alert `Watchdog` is a heartbeat/inhibitor, not a symptom',
      }),
    ]);
  });

  it('prints a text report for people by default', async () => {
    const { code, stdout } = await triage('--input', STORM);
    expect(code).toBe(0);
    expect(stdout).toContain('inc-1  checkout/prod  open since 2026-11-22T03:14:07.000Z');
    expect(stdout).toContain(
      '    1. deploy-regression (score 190) Roll back the deploy that preceded the symptoms',
    );
    expect(stdout).toContain('       - deploy `1.4.2` by @alice 4 min before first signal');
    expect(stdout).toContain('       plan: k8s.rollout-undo service=checkout env=prod');
    expect(stdout).toContain('inc-2  payments/prod');
    expect(stdout).toContain('             (skipped pagerduty.note: no pagerduty.id)');
    expect(stdout).toContain('Ignored signals:\n  alertmanager Watchdog');
  });

  it('lists every problem of an invalid input and exits 1', async () => {
    const { code, stdout, stderr } = await triage('--input', INVALID, '--format', 'json');
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.trimEnd().split('\n')).toEqual([
      `${INVALID}: now: is required (string)`,
      `${INVALID}: alertmanager.0.alerts.0.fingerprint: is required (string)`,
      `${INVALID}: pagerduty.0.event.event_type: must look like incident.triggered`,
      `${INVALID}: deploy: unknown key; did you mean "deploys"?`,
      `${INVALID}: deploys.0.service: unknown service "chekout"; known: checkout, payments, gateway. Did you mean "checkout"?`,
      `${INVALID}: alertmanager.0.alerts.0.startsAt: "yesterday" is not an ISO-8601 time`,
      `6 problems in ${INVALID}`,
    ]);
  });

  it.each<[string, string[], number, string]>([
    ['no --input', [], 2, 'mc triage: --input FILE is required'],
    [
      'an unknown format',
      ['--input', STORM, '--format', 'yaml'],
      2,
      '--format must be json or text, not "yaml"',
    ],
    ['an unknown option', ['--input', STORM, '--verbose'], 2, "Unknown option '--verbose'"],
    ['a missing file', ['--input', 'nope.json'], 1, 'nope.json: file not found'],
    [
      'a file that is not JSON',
      ['--input', 'test/fixtures/alertmanager/webhook-broken-not-json.txt'],
      1,
      'is not JSON',
    ],
    [
      'an invalid config dir',
      ['--input', STORM, '--dir', 'test/fixtures/triage/broken'],
      1,
      'fix the config first (mc validate)',
    ],
  ])('refuses %s', async (_, argv, exit, message) => {
    const { code, stderr } = await triage(...argv);
    expect(code).toBe(exit);
    expect(stderr).toContain(message);
  });

  it('reads a YAML bundle too', async () => {
    const { code, stdout } = await triage(
      '--input',
      'test/fixtures/triage/replay-resolved.yml',
      '--format',
      'json',
    );
    expect(code).toBe(0);
    const [incident] = JSON.parse(stdout).incidents;
    expect(incident).toMatchObject({ service: 'checkout', status: 'closed', suggestions: [] });
    expect(incident.note).toBe('every signal is resolved: nothing to do');
  });
});
