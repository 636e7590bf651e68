import { parseArgs } from 'node:util';
import { startSandbox } from '../sandbox/run-sandbox.ts';
import { NotLoopbackError } from '../sandbox/sandbox-settings.ts';
import { configDir } from './config-dir.ts';
import type { CliCommand } from './io.ts';

const HELP = `Usage: mc sandbox [--port N] [--data-dir DIR] [--log-level LEVEL] [--prometheus-url URL]

Starts the whole bot on this machine with emulated Slack, PagerDuty, Kubernetes and Prometheus,
and a web console on 127.0.0.1. Reads no credentials from the environment. Ctrl+C stops it.
  --port N              console port (default 3300; 0 = any free port)
  --data-dir DIR        the sandbox's own store, wiped at start (default .sandbox-data)
  --log-level LEVEL     the bot's log level (default warn)
  --prometheus-url URL  a Prometheus of your own on 127.0.0.1 instead of the simulated one
`;

/** `mc sandbox`: runs until SIGINT/SIGTERM; prints the console URL and the sandbox users. */
export const runSandbox: CliCommand = async (argv, io) => {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: '3300' },
      'data-dir': { type: 'string' },
      'log-level': { type: 'string', default: 'warn' },
      'prometheus-url': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout(HELP);
    return 0;
  }
  const started = performance.now();
  let sandbox: Awaited<ReturnType<typeof startSandbox>>;
  try {
    sandbox = await startSandbox({
      configDir: configDir(io),
      port: Number(values.port),
      logLevel: values['log-level'],
      ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}),
      ...(values['prometheus-url'] ? { prometheusUrl: values['prometheus-url'] } : {}),
    });
  } catch (error) {
    if (error instanceof NotLoopbackError) {
      io.stderr(`${error.message}\n`);
      return 2;
    }
    throw error;
  }
  const width = Math.max(...sandbox.users.map((u) => u.name.length));
  io.stdout(
    [
      '',
      `  mc sandbox is ready in ${((performance.now() - started) / 1000).toFixed(1)} s: open ${sandbox.url}`,
      '',
      '  Sandbox users (pick one in the console):',
      ...sandbox.users.map((u) => `    ${u.name.padEnd(width)}  ${u.id}  ${u.title}`),
      '',
      '  Try: /mc status checkout, /mc rollback checkout --env staging, or a scenario on the right.',
      `  kubectl sees the same clusters: KUBECONFIG=${sandbox.kubeconfigPath} kubectl get deploy -A --context <catalog context>`,
      '  Press Ctrl+C to stop (the sandbox data is wiped at the next start).',
      '',
    ].join('\n'),
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  io.stdout('\n  stopping the sandbox...\n');
  await sandbox.close();
  return 0;
};
