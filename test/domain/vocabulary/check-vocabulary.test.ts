import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { type LoadedConfig, loadConfig } from '../../../src/config/load-config.ts';
import { checkVocabulary } from '../../../src/domain/vocabulary/check-vocabulary.ts';
import { checkVocabularyFiles } from '../../../src/domain/vocabulary/check-vocabulary-files.ts';
import { vocabularySummary } from '../../../src/domain/vocabulary/vocabulary-summary.ts';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
let config: LoadedConfig;

beforeAll(async () => {
  const loaded = await loadConfig(REPO_ROOT);
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors.slice(0, 5)));
  config = loaded.config;
}, 60_000);

const SOURCE = {
  name: 'test rules',
  repo: 'example/rules',
  version: 'v1',
  commit: 'a'.repeat(40),
  files: ['rules.yml'],
};

describe('domain/vocabulary/check-vocabulary', () => {
  it('classifies every alert of the corpus, and the library agrees with each classification', () => {
    const verdicts = checkVocabulary(config.vocabulary, config);
    const disagree = verdicts
      .filter((v) => !v.agrees)
      .map((v) => `${v.file}: ${v.entry} expected ${v.expected}, got ${v.actual}`);
    expect(disagree).toEqual([]);
    expect(verdicts.length).toBeGreaterThanOrEqual(500);
    expect(new Set(config.vocabulary.map((f) => f.source.repo)).size).toBeGreaterThanOrEqual(13);
    expect(vocabularySummary(config.vocabulary, verdicts)).toMatch(
      /; 0 disagree with the library$/,
    );
  });

  it.each([
    ['KubernetesPodCrashLooping', 'pod-crashloop'],
    ['KubePodCrashLooping', 'pod-crashloop'],
    ['PostgresqlTooManyConnections', 'db-saturation'],
    ['RedisDown', 'datastore-unhealthy'],
    ['NGINXTooMany500s', 'http-5xx-surge'],
    ['PrometheusAlertmanagerE2eDeadManSwitch', 'noise'],
    ['KubeJobFailed', 'notify-only'],
  ])('answers %s with %s', (name, expected) => {
    const verdict = checkVocabulary(config.vocabulary, config).find((v) => v.entry === name);
    expect(verdict?.actual).toBe(expected);
  });

  it('classifies a metric-only entry by the metric in the expression, whatever the alert is called', () => {
    const verdict = checkVocabulary(config.vocabulary, config).find(
      (v) => v.entry === 'metric hikaricp_connections_pending',
    );
    expect(verdict).toMatchObject({ expected: 'db-saturation', actual: 'db-saturation' });
    expect(verdict?.reasons).toContain(
      "metric `hikaricp_connections_pending` in the alert's expression",
    );
  });

  it('reports a classification the library does not give', () => {
    const [file] = checkVocabularyFiles(
      [
        {
          file: 'playbooks/vocabulary/test.yml',
          data: {
            source: SOURCE,
            alerts: [
              {
                name: 'RedisDown',
                labels: { severity: 'critical' },
                metrics: ['redis_up'],
                means: 'Redis: the instance does not answer',
                triage: 'pod-crashloop',
                why: 'deliberately wrong',
              },
            ],
          },
        },
      ],
      ['pod-crashloop', 'datastore-unhealthy'],
    ).files;
    const [verdict] = checkVocabulary(file ? [file] : [], config);
    expect(verdict).toMatchObject({
      entry: 'RedisDown',
      expected: 'pod-crashloop',
      actual: 'datastore-unhealthy',
      agrees: false,
    });
  });

  it('refuses an unclassified alert and a classification naming no playbook', () => {
    const { files, errors } = checkVocabularyFiles(
      [
        {
          file: 'playbooks/vocabulary/test.yml',
          data: {
            source: SOURCE,
            alerts: [
              { name: 'A', means: 'something', why: 'because' },
              { name: 'B', means: 'something', triage: 'pod-crashlop', why: 'because' },
            ],
          },
        },
      ],
      ['pod-crashloop'],
    );
    expect(files).toEqual([]);
    expect(errors.map((e) => `${e.path}: ${e.message}`)).toEqual([
      expect.stringMatching(/^alerts\.0\.triage: /),
      'alerts.1.triage: "pod-crashlop" is not a triage playbook, notify-only or noise. Did you mean "pod-crashloop"?',
    ]);
  });
});
