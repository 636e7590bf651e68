import type { PodsOf, RunsOf, SloOf } from '../../deploys/status-views.ts';
import { describeChange } from '../../domain/deploys/deploy-record.ts';
import { formatValue } from '../../domain/deploys/describe-verification.ts';
import { formatAge } from '../../runs/format-age.ts';
import { type Block, context, escapeMrkdwn, reply, type SlackReply, section } from './blocks.ts';
import { plainFallback, slackLink } from './outside-text.ts';
import { slackDate } from './run-inline.ts';

const CHECK_ICON = { passed: ':white_check_mark:', failed: ':x:', inconclusive: ':grey_question:' };

const person = (by: string) => (/^[UW][A-Z0-9]{2,}$/.test(by) ? `<@${by}>` : escapeMrkdwn(by));

/** `--show pods`: per environment, each pod with readiness, restarts and age. */
export function renderPods(service: string, envs: PodsOf[], now: Date): SlackReply {
  const blocks: Block[] = [section(`*Pods of \`${escapeMrkdwn(service)}\`*`)];
  for (const env of envs) {
    if (!env.ok) {
      blocks.push(section(`*${env.label}*: unavailable (${escapeMrkdwn(env.problem)})`));
      continue;
    }
    const ready = env.pods.filter((p) => p.ready && !p.terminating).length;
    const lines = env.pods.map((p) => {
      const state = p.terminating
        ? ':hourglass_flowing_sand: terminating'
        : p.ready
          ? ':white_check_mark: ready'
          : ':x: not ready';
      const age = p.createdAt ? formatAge(now.getTime() - Date.parse(p.createdAt)) : 'age unknown';
      const restarts = `${p.restarts} restart${p.restarts === 1 ? '' : 's'}`;
      return `\`${escapeMrkdwn(p.name)}\` · ${state} · ${restarts} · started ${age}`;
    });
    const head = `*${env.label}*: ${ready} of ${env.pods.length} ready`;
    blocks.push(section([head, ...(lines.length ? lines : ['no pods'])].join('\n')));
  }
  return reply(plainFallback(`Pods of ${service}`), blocks);
}

/** `--show slo`: every SLO's live value against its threshold, with its Prometheus graph. */
export function renderSlos(services: SloOf[], at: Date): SlackReply {
  const blocks: Block[] = [];
  let failing = 0;
  for (const s of services) {
    if (!s.ok) {
      blocks.push(section(`*${s.service}*: unavailable (${escapeMrkdwn(s.problem)})`));
      continue;
    }
    const lines = s.checks.map((c) => {
      if (c.status !== 'passed') failing++;
      const value = c.status === 'inconclusive' ? 'no value' : formatValue(c.value);
      const why = c.status === 'inconclusive' ? ` — ${escapeMrkdwn(c.reason)}` : '';
      return `${CHECK_ICON[c.status]} \`${escapeMrkdwn(c.name)}\` ${value} (must be ${escapeMrkdwn(c.comparison)} ${formatValue(c.threshold)})${why} · ${slackLink(c.graphUrl, 'graph')}`;
    });
    blocks.push(
      section(
        [`*${s.service}*`, ...(lines.length ? lines : ['no SLOs in catalog.yml'])].join('\n'),
      ),
    );
  }
  blocks.push(context(`Evaluated on Prometheus ${slackDate(at)}.`));
  const head =
    failing === 0
      ? 'Every SLO meets its threshold.'
      : `${failing} SLO check(s) not met or unknown.`;
  return reply(head, [section(`*SLOs* — ${head}`), ...blocks]);
}

/** `--show runs`: runs in flight, then recent changes with their runs and evidence links. */
export function renderRuns(service: string, runs: RunsOf, now: Date): SlackReply {
  const active = runs.active.map((v) => {
    const { run } = v;
    const what = run.revertOf ? `revert of ${run.revertOf}` : run.verb;
    const where = v.message ? ` · in <#${v.message.channel}>` : '';
    return `:arrows_counterclockwise: \`${run.id}\` ${what} \`${run.target.service}/${run.target.env}\` by ${person(run.requester)} · ${run.state} · asked ${formatAge(now.getTime() - run.createdAt.getTime())}${where}`;
  });
  const recent =
    'problem' in runs.recent
      ? [`unavailable (${escapeMrkdwn(runs.recent.problem)})`]
      : runs.recent.map((d) => {
          const link = d.evidenceUrl ? ` · ${slackLink(d.evidenceUrl, 'evidence')}` : '';
          const run = d.runId ? ` · run \`${d.runId}\`` : '';
          return `• ${escapeMrkdwn(`${d.kind} ${describeChange(d)}`)} in \`${d.env}\` by ${person(d.by)} · ${slackDate(d.at)}${run} · ${d.outcome}${link}`;
        });
  const text = [
    `*Runs of \`${escapeMrkdwn(service)}\`*`,
    `*Active*\n${active.length ? active.join('\n') : 'none'}`,
    `*Recent changes*\n${recent.length ? recent.join('\n') : 'none in the last 7 days'}`,
  ];
  return reply(
    `${runs.active.length} active run(s) on ${service}`,
    text.map((t) => section(t)),
  );
}

/** Plain `/mc status`: one line per service and environment, anything abnormal first. */
export function renderHealthLines(
  rows: { service: string; env: string; state: string; problem?: string }[],
): SlackReply {
  const abnormal = (r: (typeof rows)[number]) => r.problem !== undefined || r.state !== 'complete';
  const sorted = [...rows].sort((a, b) => Number(abnormal(b)) - Number(abnormal(a)));
  const lines = sorted.map((r) => {
    if (r.problem !== undefined)
      return `:grey_question: *${r.service}* \`${r.env}\`: unavailable (${escapeMrkdwn(r.problem)})`;
    const icon = abnormal(r) ? ':warning:' : ':large_green_circle:';
    return `${icon} *${r.service}* \`${r.env}\`: ${escapeMrkdwn(r.state)}`;
  });
  const bad = sorted.filter(abnormal).length;
  const head = bad === 0 ? 'Everything is healthy.' : `${bad} of ${rows.length} need a look.`;
  return reply(`${head}\n${lines.join('\n').replace(/[*`]/g, '')}`, [
    section(`*${head}*\n${lines.join('\n')}`),
    context(
      '`/mc status &lt;service&gt;` for details; `--show pods`, `revisions`, `runs` or `slo` for more.',
    ),
  ]);
}
