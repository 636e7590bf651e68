import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { alertmanagerConfig, freePort, prometheusConfig } from '../../../scripts/observability.ts';
import { requireBinary, startPrometheus } from '../../support/prometheus.ts';

const PROMETHEUS = requireBinary('prometheus');
const savedCi = process.env.CI;
afterEach(() => {
  if (savedCi === undefined) delete process.env.CI;
  else process.env.CI = savedCi;
});

describe('test/support launchers', () => {
  it('fails loudly under CI=true when a binary is missing', () => {
    process.env.CI = 'true';
    expect(() => requireBinary('mc-no-such-daemon')).toThrow(
      'mc-no-such-daemon is required under CI=true: apt-get install -y mc-no-such-daemon',
    );
  });

  it('skips (undefined) outside CI when a binary is missing', () => {
    delete process.env.CI;
    expect(requireBinary('mc-no-such-daemon')).toBeUndefined();
  });

  it('writes a Prometheus config with 1 s intervals, a timeout that fits, rules and Alertmanager', () => {
    const config = parse(
      prometheusConfig({
        scrapeTargets: ['127.0.0.1:9464'],
        rules: 'groups: []',
        alertmanagerUrl: 'http://127.0.0.1:9093',
      }),
    );
    expect(config.global).toEqual({
      scrape_interval: '1s',
      scrape_timeout: '1s',
      evaluation_interval: '1s',
    });
    expect(config.scrape_configs[0].static_configs[0].targets).toEqual(['127.0.0.1:9464']);
    expect(config.rule_files).toEqual(['rules.yml']);
    expect(config.alerting.alertmanagers[0]).toMatchObject({
      scheme: 'http',
      static_configs: [{ targets: ['127.0.0.1:9093'] }],
    });
  });

  it('writes an Alertmanager config whose webhook sends resolved alerts with a bearer token', () => {
    const config = parse(
      alertmanagerConfig({
        webhookUrl: 'http://127.0.0.1:3000/webhooks/alertmanager',
        webhookToken: 't0k',
      }),
    );
    expect(config.route).toMatchObject({ receiver: 'mc', group_wait: '0s', group_interval: '1s' });
    expect(config.receivers[0].webhook_configs[0]).toEqual({
      url: 'http://127.0.0.1:3000/webhooks/alertmanager',
      send_resolved: true,
      http_config: { authorization: { type: 'Bearer', credentials: 't0k' } },
    });
  });

  it.skipIf(!PROMETHEUS)('says why Prometheus would not start, with its stderr', async () => {
    const start = startPrometheus({ binary: PROMETHEUS, scrapeTargets: [], rules: 'groups: [{' });
    await expect(start).rejects.toThrow(
      /prometheus exited during start-up\. Last stderr lines:\n.*rules/s,
    );
  });

  it.skipIf(!PROMETHEUS)('names the target that never came up and why', async () => {
    const target = `127.0.0.1:${await freePort()}`;
    const start = startPrometheus({
      binary: PROMETHEUS,
      scrapeTargets: [target],
      firstScrapeTimeoutMs: 8_000,
    });
    await expect(start).rejects.toThrow(
      new RegExp(
        `did not scrape ${target.replace(/\./g, '\\.')} with up == 1 within 8000 ms[^]*connection refused`,
      ),
    );
  });
});
