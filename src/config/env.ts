import path from 'node:path';
import { z } from 'zod';

const url = (what: string) =>
  z
    .url({ protocol: /^https?$/, message: `must be a URL (http:// or https://) of ${what}` })
    .optional();

/** The environment contract (README, "Configuration"). `src/main.ts` and `src/cli/main.ts` pass `process.env` here. */
export const Env = z.object({
  SLACK_BOT_TOKEN: z
    .string()
    .regex(/^xoxb-/, 'must be a bot token starting with xoxb- (OAuth & Permissions page)')
    .optional(),
  SLACK_SIGNING_SECRET: z
    .string()
    .min(8, 'must be the app signing secret (Basic Information page)')
    .optional(),
  SLACK_APP_TOKEN: z
    .string()
    .regex(/^xapp-/, 'must be an app-level token starting with xapp- (Basic Information page)')
    .optional(),
  SLACK_API_URL: url('the Slack Web API, ending in /api/'),
  PAGERDUTY_TOKEN: z.string().min(1).optional(),
  PAGERDUTY_API_URL: url('the PagerDuty REST API').default('https://api.pagerduty.com'),
  PAGERDUTY_FROM: z
    .email({ message: 'must be the email of a PagerDuty user (the From header on writes)' })
    .optional(),
  PAGERDUTY_WEBHOOK_SECRET: z.string().min(1).optional(),
  PROMETHEUS_URL: url('Prometheus'),
  ALERTMANAGER_URL: url('Alertmanager'),
  ALERTMANAGER_WEBHOOK_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /** Run and Dismiss on a triage message acknowledge the linked PagerDuty incident. */
  MC_TRIAGE_ACK_PAGERDUTY: z
    .enum(['true', 'false'], { message: 'must be true or false' })
    .default('true')
    .transform((v) => v === 'true'),
  KUBECONFIG: z.string().optional(),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// connection URL')
    .optional(),
  MC_DATA_DIR: z.string().min(1).default('./data'),
  MC_SIGNING_KEY: z.string().min(1).optional(),
  MC_PUBLIC_URL: url('this bot as users reach it (base of evidence links)'),
  MC_CONFIG_DIR: z.string().min(1).default('.'),
  PORT: z.coerce
    .number({ message: 'must be a port number' })
    .int()
    .min(0)
    .max(65535, 'must be a port number between 0 and 65535')
    .default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});
export type Env = z.infer<typeof Env>;

/** Settings the rest of the program receives, derived from the environment. */
export interface Settings {
  env: Env;
  mode: 'http' | 'socket';
  dataDir: string;
  configDir: string;
  publicUrl: string;
}

export type LoadEnvResult = { ok: true; settings: Settings } | { ok: false; problems: string[] };

/** Parses the environment and returns every problem at once, each with how to fix it. */
export function loadEnv(raw: Record<string, string | undefined>): LoadEnvResult {
  const cleaned = Object.fromEntries(
    Object.entries(raw).filter(([, v]) => v !== undefined && v !== ''),
  );
  const parsed = Env.safeParse(cleaned);
  const problems = [
    ...(parsed.success
      ? []
      : parsed.error.issues.map((issue) => {
          const name = issue.path.join('.') || '(environment)';
          const absent = issue.path.length === 1 && cleaned[String(issue.path[0])] === undefined;
          return `${name} ${absent ? 'is required' : issue.message}`;
        })),
    ...slackProblems(cleaned),
  ];
  if (!parsed.success || problems.length > 0) return { ok: false, problems };
  const env = parsed.data;
  return {
    ok: true,
    settings: {
      env,
      mode: env.SLACK_APP_TOKEN ? 'socket' : 'http',
      dataDir: path.resolve(env.MC_DATA_DIR),
      configDir: path.resolve(env.MC_CONFIG_DIR),
      publicUrl: (env.MC_PUBLIC_URL ?? `http://127.0.0.1:${env.PORT}`).replace(/\/+$/, ''),
    },
  };
}

/** One message a person can act on, listing every problem. */
export function formatEnvProblems(problems: string[]): string {
  return [
    `mc cannot start: ${problems.length} problem(s) with the environment:`,
    ...problems.map((p) => `  - ${p}`),
    'See README.md ("Configuration") for every variable.',
  ].join('\n');
}

// Checked apart from the schema so they are listed even when other variables are malformed.
function slackProblems(env: Record<string, string | undefined>): string[] {
  const problems: string[] = [];
  if (!env.SLACK_BOT_TOKEN) {
    problems.push(
      'SLACK_BOT_TOKEN is required: install the app from manifest.yml and copy the Bot User OAuth Token',
    );
  }
  if (!env.SLACK_SIGNING_SECRET && !env.SLACK_APP_TOKEN) {
    problems.push(
      'SLACK_SIGNING_SECRET is required in HTTP mode (or set SLACK_APP_TOKEN for Socket Mode); find it on the app Basic Information page',
    );
  }
  return problems;
}
