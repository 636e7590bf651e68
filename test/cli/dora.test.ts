import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runDora } from '../../src/cli/dora.ts';
import { bufferIo } from '../../src/cli/io.ts';
import { main } from '../../src/cli/main.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = path.resolve(HERE, '../..');
const WEEK = ['--since', '2026-11-02', '--until', '2026-11-09'];
const FIXTURE = 'test/fixtures/dora/two-services.json';

async function dora(...argv: string[]) {
  const { io, stdout, stderr } = bufferIo(REPO_ROOT);
  const code = await runDora(argv, io, () => new Date('2026-11-09T12:00:00Z'));
  return { code, stdout: stdout(), stderr: stderr() };
}

describe('cli/dora', () => {
  // Worked by hand from the fixture; the comments are the arithmetic.
  it('computes the hand-worked week of two services, per service and env and overall', async () => {
    const { code, stdout, stderr } = await dora('--input', FIXTURE, ...WEEK, '--format', 'json');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    const window = { since: '2026-11-02T00:00:00.000Z', until: '2026-11-09T00:00:00.000Z' };
    expect(report.window).toEqual(window);
    expect(report.attributionWindowSeconds).toBe(86_400);
    const [checkout, payments] = report.services;
    expect(report.services).toHaveLength(2);
    // 1.1.0, 1.2.0 (rolled back, still ran), 1.2.1, 1.3.0; 1.4.0 failed its rollout, 1.5.0 is at
    // `until` (excluded), the rollbacks are not deploys.
    expect(checkout).toMatchObject({ service: 'checkout', env: 'prod', window });
    expect(checkout.deploymentFrequency.count).toBe(4);
    expect(checkout.deploymentFrequency.perWeek).toBeCloseTo(4, 10);
    expect(checkout.deploymentFrequency.perDay).toBeCloseTo(4 / 7, 10);
    // 2 h, 12 h, 4 h, 24 h → sorted 7200 14400 43200 86400: median (14400+43200)/2,
    // p90 at rank 2.7: 43200 + 0.7 × 43200.
    expect(checkout.leadTime).toEqual({ medianSeconds: 28_800, p90Seconds: 73_440, n: 4 });
    // 1.2.0 auto-rolled back, 1.3.0 blamed for an incident 6 h later; the rollback of 1.2.1
    // came 49 h after it, outside the 24 h window.
    expect(checkout.changeFailureRate).toEqual({ ratio: 0.5, failed: 2, total: 4 });
    // 30 min and 90 min.
    expect(checkout.timeToRestore).toEqual({ medianSeconds: 3600, p90Seconds: 5040, n: 2 });

    expect(payments).toMatchObject({ service: 'payments', env: 'staging' });
    expect(payments.deploymentFrequency.count).toBe(2);
    expect(payments.leadTime).toEqual({ medianSeconds: 1800, p90Seconds: 1800, n: 1 });
    // 2.0.1 reverted 11 h after it went out.
    expect(payments.changeFailureRate).toEqual({ ratio: 0.5, failed: 1, total: 2 });
    // The open incident has no time to restore yet.
    expect(payments.timeToRestore).toEqual({ medianSeconds: null, p90Seconds: null, n: 0 });

    const overall = report.overall;
    expect(overall.window).toEqual(window);
    expect(overall.deploymentFrequency.count).toBe(6);
    // 1800 7200 14400 43200 86400: median 14400, p90 at rank 3.6: 43200 + 0.6 × 43200.
    expect(overall.leadTime).toEqual({ medianSeconds: 14_400, p90Seconds: 69_120, n: 5 });
    expect(overall.changeFailureRate).toEqual({ ratio: 0.5, failed: 3, total: 6 });
    expect(overall.timeToRestore).toEqual({ medianSeconds: 3600, p90Seconds: 5040, n: 2 });
  });

  it('a shorter attribution window forgives the incident 6 h after 1.3.0', async () => {
    const { stdout } = await dora(
      '--input',
      FIXTURE,
      ...WEEK,
      '--format',
      'json',
      '--service',
      'checkout',
      '--attribution-window',
      '5h',
    );
    const report = JSON.parse(stdout);
    expect(report.services.map((s: { service: string }) => s.service)).toEqual(['checkout']);
    expect(report.overall.changeFailureRate).toEqual({ ratio: 0.25, failed: 1, total: 4 });
  });

  it('prints text and CSV a person and a spreadsheet read', async () => {
    const text = await dora('--input', FIXTURE, ...WEEK);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('checkout prod');
    expect(text.stdout).toContain('change failure rate   50.0 % (2 of 4)');
    expect(text.stdout).toContain('lead time             median 8h, p90 20h 24m (n=4)');
    const csv = await dora('--input', FIXTURE, ...WEEK, '--format', 'csv');
    const lines = csv.stdout.trim().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[1]).toMatch(/^checkout,prod,2026-11-02T00:00:00.000Z,2026-11-09T00:00:00.000Z,4,/);
    expect(lines[3]).toMatch(/^\*,\*,.*,6,/);
  });

  it('names every bad field of the input, and exits 1', async () => {
    const { code, stderr } = await dora('--input', 'test/fixtures/dora/broken.json', ...WEEK);
    expect(code).toBe(1);
    expect(stderr).toContain('changes.0.at: must be an ISO-8601 time with an offset');
    expect(stderr).toMatch(/changes\.1\.kind: .*"deploy"/);
    expect(stderr).toContain('changes.2.commitAt: commitAt is after at');
    expect(stderr).toMatch(/incidents\.0\.openedAt: /);
  });

  it.each([
    [['--input', FIXTURE, '--format', 'xml'], '--format must be json, text or csv, not "xml"'],
    [['--input', FIXTURE, '--since', 'last week'], '--since "last week" is neither a date'],
    [['--input', FIXTURE, '--since', '2026-11-09', '--until', '2026-11-02'], 'must be before'],
    [['--format', 'json'], '--input FILE is required'],
  ])('refuses bad usage %j with exit 2', async (argv, message) => {
    const { code, stderr } = await dora(...argv);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
  });

  it('is reachable as `mc dora`', async () => {
    const { io, stdout } = bufferIo(REPO_ROOT);
    expect(await main(['help'], io)).toBe(0);
    expect(stdout()).toContain('mc dora');
  });
});
