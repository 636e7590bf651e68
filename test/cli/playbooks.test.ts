import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bufferIo } from '../../src/cli/io.ts';
import { runPlaybooks } from '../../src/cli/playbooks.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = path.resolve(HERE, '../..');
const FAILING = 'test/fixtures/triage/failing';

async function playbooks(...argv: string[]) {
  const { io, stdout, stderr } = bufferIo(REPO_ROOT);
  const code = await runPlaybooks(argv, io);
  return { code, stdout: stdout(), stderr: stderr() };
}

describe('cli/playbooks', () => {
  it('passes every case of the default library and ends with the count', async () => {
    const { code, stdout, stderr } = await playbooks('test');
    const lines = stdout.trimEnd().split('\n');
    const cases = lines.slice(0, -2);
    expect(stderr).toBe('');
    expect(cases.filter((l) => !l.startsWith('PASS  playbooks/tests/'))).toEqual([]);
    expect(cases.length).toBeGreaterThanOrEqual(150);
    expect(lines.at(-2)).toBe(`${cases.length} passed, 0 failed`);
    expect(lines.at(-1)).toMatch(
      /^vocabulary: \d+ alerts and metrics from \d+ files \(\d+ sources\): \d+ map to a playbook, \d+ notify-only, \d+ noise; 0 disagree with the library$/,
    );
    expect(code).toBe(0);
  });

  it('prints FAIL with the expected and the actual ranking, and exits 1', async () => {
    const { code, stdout } = await playbooks('test', '--dir', FAILING);
    expect(stdout).toBe(
      [
        'PASS  playbooks/tests/cases.yml: crash loop alone -> pod-crashloop',
        'FAIL  playbooks/tests/cases.yml: crash loop alone -> deploy-regression (wrong on purpose)',
        '      expected top: deploy-regression',
        '      actual   inc-1 checkout/prod: pod-crashloop 60; other candidates: deploy-regression 60 (not eligible)',
        '1 passed, 1 failed',
        '',
      ].join('\n'),
    );
    expect(code).toBe(1);
  });

  it('runs only the cases whose name matches --run', async () => {
    const { code, stdout } = await playbooks('test', '--dir', FAILING, '--run', 'pod-crashloop$');
    expect(stdout).toBe(
      'PASS  playbooks/tests/cases.yml: crash loop alone -> pod-crashloop\n1 passed, 0 failed\n',
    );
    expect(code).toBe(0);
  });

  it('refuses to run tests against an invalid config, listing its errors', async () => {
    const { code, stdout, stderr } = await playbooks(
      'test',
      '--dir',
      'test/fixtures/triage/broken',
    );
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain(
      'playbooks/triage/bad-steps.yml: steps.0.action: unknown action "k8s.scael"',
    );
    expect(stderr).toContain('mc playbooks test: fix the config first (mc validate)');
  });

  it.each<[string, string[], number, string]>([
    ['no subcommand', [], 2, 'Usage: mc playbooks test'],
    [
      'an unknown subcommand',
      ['tests'],
      2,
      "mc playbooks: unknown subcommand 'tests'. Did you mean 'test'?",
    ],
    ['an unknown option', ['test', '--verbose'], 2, "Unknown option '--verbose'"],
    [
      'a --run that is not a regex',
      ['test', '--run', '('],
      2,
      '--run is not a valid regular expression',
    ],
    [
      'a filter that keeps nothing',
      ['test', '--dir', FAILING, '--run', 'no such case'],
      1,
      'no test cases found',
    ],
  ])('handles %s', async (_, argv, exit, message) => {
    const { code, stdout, stderr } = await playbooks(...argv);
    expect(code).toBe(exit);
    expect(stdout + stderr).toContain(message);
  });
});
