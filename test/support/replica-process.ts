/**
 * Child process of the replica tests: one whole bot (createBot, as src/main.ts builds it from
 * the environment), with the timings a test needs short. The environment is the bot's own
 * (DATABASE_URL, SLACK_*, KUBECONFIG, MC_CONFIG_DIR...); MC_REPLICA_OPTIONS holds the JSON of
 * ReplicaTimings. Logs JSON lines to stdout like the real bot; the line "replica started"
 * names its port and owner id. SIGTERM stops it cleanly; tests SIGKILL it to kill it.
 */
import process from 'node:process';
import { loadDefaultKubeConfig } from '../../src/adapters/kubernetes/load-kube-clients.ts';
import { type BotOptions, createBot } from '../../src/bot.ts';
import { formatEnvProblems, loadEnv } from '../../src/config/env.ts';
import { formatConfigErrors, loadConfig } from '../../src/config/load-config.ts';
import { createLogger } from '../../src/telemetry/logger.ts';

/** What a replica test shortens; each is passed to createBot as is. */
export type ReplicaTimings = Pick<
  BotOptions,
  | 'ownerId'
  | 'botId'
  | 'botUserId'
  | 'runs'
  | 'verification'
  | 'recoverEveryMs'
  | 'expireEveryMs'
  | 'messageUpdateMs'
  | 'triage'
  | 'stopGraceMs'
  | 'leases'
>;

async function main(): Promise<void> {
  const loaded = loadEnv(process.env);
  if (!loaded.ok) throw new Error(formatEnvProblems(loaded.problems));
  const timings = JSON.parse(process.env.MC_REPLICA_OPTIONS ?? '{}') as ReplicaTimings;
  const log = createLogger({ level: 'info' });
  const config = await loadConfig(loaded.settings.configDir);
  if (!config.ok) throw new Error(formatConfigErrors(config.errors));
  const bot = await createBot({
    settings: loaded.settings,
    config: config.config,
    log,
    kubeConfig: await loadDefaultKubeConfig(),
    clientRetries: 0,
    ...timings,
  });
  const { port } = await bot.start(0, '127.0.0.1');
  log.info({ port, ownerId: timings.ownerId }, 'replica started');
  process.once('SIGTERM', () => {
    bot.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`replica cannot start: ${error instanceof Error ? error.stack : error}\n`);
  process.exit(1);
});
