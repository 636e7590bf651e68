import process from 'node:process';
import { loadDefaultKubeConfig } from './adapters/kubernetes/load-kube-clients.ts';
import { createBot } from './bot.ts';
import { formatEnvProblems, loadEnv } from './config/env.ts';
import { formatConfigErrors, loadConfig } from './config/load-config.ts';
import { botConfigCacheDir } from './config/yaml-cache.ts';
import { splitSecrets } from './http/webhooks/pagerduty-route.ts';
import { DataDirLockedError, DataDirLockUnreadableError } from './store/data-dir-lock.ts';
import { DataDirModeError } from './store/data-dir-mode.ts';
import { checkIntegrations, logIntegrations } from './telemetry/integration-report.ts';
import { createLogger } from './telemetry/logger.ts';

/**
 * Composition root: the only module that reads process.env. Refuses to start, with one
 * message listing every problem, on a bad environment or invalid commands/catalog/playbooks.
 */
async function main(): Promise<number> {
  // Files the bot creates (the data dir, PGlite's files, keys) are readable by its user only.
  process.umask(0o077);
  const loaded = loadEnv(process.env);
  if (!loaded.ok) {
    process.stderr.write(`${formatEnvProblems(loaded.problems)}\n`);
    return 2;
  }
  const { settings } = loaded;
  const env = settings.env;
  const log = createLogger({
    level: env.LOG_LEVEL,
    secrets: [
      env.SLACK_BOT_TOKEN,
      env.SLACK_SIGNING_SECRET,
      env.SLACK_APP_TOKEN,
      env.PAGERDUTY_TOKEN,
      ...splitSecrets(env.PAGERDUTY_WEBHOOK_SECRET),
      env.ALERTMANAGER_WEBHOOK_TOKEN,
    ].filter((s): s is string => Boolean(s)),
  });
  const cacheDir = botConfigCacheDir(settings.dataDir);
  const config = await loadConfig(settings.configDir, cacheDir ? { cacheDir } : {});
  if (!config.ok) {
    process.stderr.write(
      `mc cannot start: ${config.errors.length} error(s) in ${settings.configDir}:\n${formatConfigErrors(config.errors)}\nRun \`mc validate\` after fixing them.\n`,
    );
    return 1;
  }
  // KUBECONFIG (or ~/.kube/config, or the in-cluster service account), as kubectl reads it.
  // client-node is loaded only when there is one.
  const kubeConfig = await loadDefaultKubeConfig();
  let bot: Awaited<ReturnType<typeof createBot>>;
  try {
    bot = await createBot({
      settings,
      config: config.config,
      log,
      kubeConfig,
      signRootsEveryMs: 3_600_000,
      // Another writer in the data dir: stop now rather than lose writes; the log says why.
      onStoreLost: () => {
        log.flush();
        process.exit(3);
      },
    });
  } catch (error) {
    if (
      error instanceof DataDirLockedError ||
      error instanceof DataDirLockUnreadableError ||
      error instanceof DataDirModeError
    ) {
      process.stderr.write(`mc cannot start: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
  const { port } = await bot.start(env.PORT, env.HOST);
  log.info({ port, host: env.HOST, mode: settings.mode, store: bot.store.db.kind }, 'mc started');
  log.info(
    {
      integration: 'slack',
      state: 'configured',
      detail: `${settings.mode} mode, ${env.SLACK_API_URL ?? 'https://slack.com/api/'}; auth.test runs in the background`,
    },
    'integration slack: configured',
  );
  // Never blocks start-up: each line comes when its probe answers or times out.
  checkIntegrations({
    env,
    kubeConfig,
    store: {
      kind: bot.store.db.kind,
      where: env.DATABASE_URL ? 'postgresql (DATABASE_URL)' : `pglite in ${settings.dataDir}`,
    },
  }).then(
    (lines) => logIntegrations(log, lines),
    (error: unknown) => log.error({ err: error }, 'checking integrations failed'),
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'mc stopping');
    await bot.stop();
    log.flush();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
  return 0;
}

main().then(
  (code) => {
    if (code !== 0) process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `mc cannot start: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
