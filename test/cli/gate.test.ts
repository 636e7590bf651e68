import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGate } from '../../src/cli/gate.ts';
import { bufferIo } from '../../src/cli/io.ts';
import { main } from '../../src/cli/main.ts';
import type { LedgerEntry } from '../../src/evidence/ledger/canonical-entry.ts';
import { createLedger } from '../../src/evidence/ledger/create-ledger.ts';
import { startTestExporter, type TestExporter } from '../../src/sandbox/exporter/test-exporter.ts';
import { openStore } from '../../src/store/open-store.ts';
import { createLogger } from '../../src/telemetry/logger.ts';
import { requireBinary, startPrometheus, type TestPrometheus } from '../support/prometheus.ts';

const PROMETHEUS = requireBinary('prometheus');
const REPO = path.resolve(import.meta.dirname, '../..');
const RATIO = (service: string) =>
  `sum(rate(http_requests_total{service="${service}",code=~"5.."}[1m])) / sum(rate(http_requests_total{service="${service}"}[1m]))`;

/** A gate set of one Prometheus check; with `roles`, a sign-off is required too. */
const gateSet = (id: string, roles: string[]) => `id: ${id}
kind: gate
title: CI gate ${id}
description: The error ratio of the release's service, measured by Prometheus.
gates:
  - name: Error ratio
    checks:
      - id: errors
        kind: promql
        title: Error ratio under 1%
        query: ${RATIO('{{ service }}')}
        comparison: "<"
        threshold: 0.01
signoffs:
  roles: [${roles.join(', ')}]
`;

// Each evaluation opens the data dir (migrations, signing key) afresh, as a CI job does: slow
// on a loaded machine, so each test may take its time.
describe.skipIf(!PROMETHEUS)('src/cli/gate', { timeout: 180_000 }, () => {
  let dir: string;
  let exporter: TestExporter;
  let prom: TestPrometheus;

  async function run(...argv: string[]) {
    const out = bufferIo(dir, {
      MC_DATA_DIR: 'data',
      MC_PUBLIC_URL: 'https://mc.example.com',
      PROMETHEUS_URL: prom.url,
      KUBECONFIG: path.join(dir, 'kubeconfig'),
      USER: 'ci',
    });
    const code = await runGate(argv, out.io);
    return { code, stdout: out.stdout(), stderr: out.stderr() };
  }

  async function ledgerEntries(): Promise<LedgerEntry[]> {
    const store = await openStore({
      dataDir: path.join(dir, 'data'),
      log: createLogger({ level: 'silent' }),
    });
    try {
      const entries: LedgerEntry[] = [];
      for await (const entry of createLedger(store.db).read()) entries.push(entry);
      return entries;
    } finally {
      await store.close();
    }
  }

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'mc-cli-gate-'));
    for (const part of ['catalog.yml', 'commands', 'playbooks']) {
      await fs.cp(path.join(REPO, part), path.join(dir, part), { recursive: true });
    }
    await fs.writeFile(path.join(dir, 'playbooks/gates/ci.yml'), gateSet('ci', []));
    await fs.writeFile(
      path.join(dir, 'playbooks/gates/ci-signed.yml'),
      gateSet('ci-signed', ['release-manager']),
    );
    // No cluster: the CI gate sets read none, and nothing may fall back to ~/.kube/config.
    await fs.writeFile(
      path.join(dir, 'kubeconfig'),
      'apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n',
    );
    await fs.mkdir(path.join(dir, 'data'));
    exporter = await startTestExporter();
    exporter.setRate('checkout', { ok: 50, error: 0 });
    exporter.setRate('payments', { ok: 10, error: 10 });
    prom = await startPrometheus({ binary: PROMETHEUS, scrapeTargets: [exporter.target] });
    // Each ratio needs two scrapes to be a rate: wait until Prometheus has both.
    const hasValue = async (service: string) => {
      const result = await prom.client.query(RATIO(service));
      return result.type === 'vector' && result.series.length === 1;
    };
    while (!((await hasValue('checkout')) && (await hasValue('payments')))) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }, 60_000);
  afterAll(async () => {
    await prom?.close();
    await exporter?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('exits 0 on GO, records the evaluation in the ledger and signs the decision', async () => {
    const result = await run('evaluate', 'checkout', '1.4.2', '--env', 'staging', '--set', 'ci');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /^GO for checkout 1\.4\.2 → staging \(gate set ci, evaluation g_[0-9a-f]{12}\)\n1\/1 gates passed/,
    );
    expect(result.stdout).toContain('✓ Error ratio: passed');
    expect(result.stdout).toMatch(/signed manifest: https:\/\/mc\.example\.com\/evidence\//);
    const entries = await ledgerEntries();
    const evaluated = entries.find((e) => e.kind === 'gate.evaluated');
    expect(evaluated).toMatchObject({ actor: 'cli:ci' });
    expect(evaluated?.data).toMatchObject({ set: 'ci', service: 'checkout', decision: 'GO' });
    expect(entries).toContainEqual(
      expect.objectContaining({
        actor: 'cli:ci',
        kind: 'evidence.recorded',
        subject: 'release:checkout:1.4.2',
      }),
    );
  });

  it('exits 1 on NO-GO and says which check failed, as JSON on request', async () => {
    const result = await run(
      'evaluate',
      'payments',
      '2.0.0',
      '--env',
      'staging',
      '--set',
      'ci',
      '--format',
      'json',
    );
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({
      decision: 'NO-GO',
      service: 'payments',
      env: 'staging',
      counts: { total: 1, failed: 1 },
      gates: [
        {
          name: 'Error ratio',
          status: 'failed',
          checks: [{ checkId: 'errors', status: 'failed', value: '0.5' }],
        },
      ],
    });
    expect(report.evidence).toMatch(/^https:\/\/mc\.example\.com\/evidence\//);
  });

  it('exits 2 on PENDING when the checks pass but a sign-off is missing', async () => {
    const result = await run(
      'evaluate',
      'checkout',
      '1.4.2',
      '--env',
      'staging',
      '--set',
      'ci-signed',
    );
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(/^PENDING for checkout/);
    expect(result.stdout).toContain('sign-offs missing: release-manager');
    expect(result.stdout).not.toContain('signed manifest');
  });

  it.each([
    [
      ['evaluate', 'chekout', '1.0', '--env', 'staging'],
      'no service "chekout" in catalog.yml; known: checkout, payments, gateway. Did you mean "checkout"?',
    ],
    [
      ['evaluate', 'checkout', '1.0', '--env', 'prd'],
      'checkout has no environment "prd"; known: staging, prod. Did you mean "prod"?',
    ],
    [
      ['evaluate', 'checkout', '1.0', '--env', 'staging', '--set', 'cii'],
      'no gate set "cii" in playbooks/gates/',
    ],
    [['evaluate', 'checkout', '1.0'], '--env ENV is required'],
    [['evaluate', 'checkout', '--env', 'staging'], 'name the service and the version to evaluate'],
    [['decide', 'checkout', '1.0', '--env', 'staging'], "unknown subcommand 'decide'"],
    [
      ['evaluate', 'checkout', '1.0', '--env', 'staging', '--format', 'xml'],
      '--format must be json or text, not "xml"',
    ],
  ])('refuses %j with exit 3 and says why', async (argv, message) => {
    const result = await run(...argv);
    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`mc gate: ${message}`);
  });

  it('is reachable as `mc gate` and listed in the usage', async () => {
    const out = bufferIo(dir, {});
    expect(await main(['help'], out.io)).toBe(0);
    expect(out.stdout()).toMatch(/mc gate\s+evaluate a release against a gate set/);
    const bad = bufferIo(dir, {});
    expect(await main(['gate'], bad.io)).toBe(3);
    expect(bad.stderr()).toContain('Usage: mc gate evaluate');
  });
});
