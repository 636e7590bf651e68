import { knobKey } from '../prometheus/cluster-metrics.ts';
import { imageOf } from '../seed-cluster.ts';
import { alertStorm } from './alert-storm.ts';
import { crashingPod, liveWorkload, setFlag, setImage, targetOf } from './cluster-changes.ts';
import { type Scenario, type ScenarioContext, sampleOf } from './types.ts';

/** Healthy: every wanted replica ready and the SLO-level symptoms gone. */
function recovered(
  ctx: ScenarioContext,
  service: string,
  env: string,
  ok: (s: { errorRatio: number; latencyP95: number }) => boolean,
) {
  return () => {
    const s = sampleOf(ctx, service, env);
    return Boolean(s && s.ready >= s.replicas && s.replicas > 0 && ok(s));
  };
}

/** The CD pipeline ships a broken build of checkout to staging; its new pods crash-loop. */
const checkoutCrashloop: Scenario = {
  id: 'checkout-crashloop',
  title: 'checkout crashloop after a bad deploy',
  description:
    'The release manager ships checkout 1.4.3-bad to staging (recorded in the deploy log); the new pods crash-loop and 5xx rise. Expect deploy-regression first; its Run rolls back.',
  async start(ctx) {
    const [service, env] = ['checkout', 'staging'];
    const t = targetOf(ctx, service, env);
    const before = liveWorkload(ctx, service, env);
    const bad = imageOf(service, '1.4.3-bad');
    await setImage(ctx, service, env, bad);
    const pod = await crashingPod(ctx, service, env);
    const after = liveWorkload(ctx, service, env);
    await ctx.deployLog.recordDeploy({
      service,
      env,
      fromImage: before.image,
      toImage: bad,
      ...(before.revision ? { fromRevision: before.revision } : {}),
      ...(after.revision ? { toRevision: after.revision } : {}),
      kind: 'deploy',
      by: ctx.deployer,
      outcome: 'succeeded',
    });
    ctx.note(
      `deployed ${bad} to ${service}/${env} (pipeline, by ${ctx.deployer}); pod ${pod} crash-loops`,
    );
    const common = { service, env, namespace: t.namespace };
    return [
      {
        title: `${service}/${env}: KubePodCrashLooping + HighErrorRate`,
        groupBy: ['service', 'env'],
        pagerduty: { serviceId: ctx.catalog.services[service]?.pagerduty.serviceId ?? '' },
        alerts: [
          {
            labels: {
              alertname: 'KubePodCrashLooping',
              severity: 'critical',
              job: 'kube-state-metrics',
              pod,
              container: t.container,
              ...common,
            },
            annotations: {
              summary: `Pod ${t.namespace}/${pod} (${t.container}) is in CrashLoopBackOff`,
            },
          },
          {
            labels: { alertname: 'HighErrorRate', severity: 'critical', ...common },
            annotations: { summary: `${service} answers more than 1% of requests with 5xx` },
          },
        ],
        healthy: recovered(ctx, service, env, (s) => s.errorRatio < 0.01),
      },
    ];
  },
};

/** A non-critical feature of the gateway starts failing in prod: 5% of requests 5xx. */
const gateway5xx: Scenario = {
  id: 'gateway-5xx',
  title: 'gateway 5xx surge',
  description:
    "The gateway's recommendations feature starts failing in prod: 5% of requests answer 5xx. Expect http-5xx-surge; its Run flips the kill switch in gateway-flags.",
  async start(ctx) {
    const [service, env] = ['gateway', 'prod'];
    const t = targetOf(ctx, service, env);
    await setFlag(ctx, service, env, 'non-critical-features', 'on');
    ctx.knobs.failingFeature.add(knobKey(service, env));
    ctx.note(
      `${service}/${env}: non-critical feature failing; 5xx at 5% until gateway-flags non-critical-features=off`,
    );
    return [
      {
        title: `${service}/${env}: GatewayHTTP5xxErrors`,
        groupBy: ['alertname', 'service', 'env'],
        pagerduty: { serviceId: ctx.catalog.services[service]?.pagerduty.serviceId ?? '' },
        alerts: [
          {
            labels: {
              alertname: 'GatewayHTTP5xxErrors',
              severity: 'page',
              service,
              env,
              namespace: t.namespace,
            },
            annotations: { summary: 'gateway answers 5% of requests with 5xx (SLO: 0.1%)' },
          },
        ],
        healthy: recovered(ctx, service, env, (s) => s.errorRatio < 0.001),
        onResolved: () => ctx.knobs.failingFeature.delete(knobKey(service, env)),
      },
    ];
  },
};

/** Card-processor load doubles on payments in prod; three replicas are not enough. */
const paymentsLatency: Scenario = {
  id: 'payments-latency',
  title: 'payments latency SLO burn',
  description:
    'Load on payments in prod needs five replicas; it runs three, so p95 latency climbs past 800 ms. Expect latency-slo-burn; its Run scales payments by +2.',
  async start(ctx) {
    const [service, env] = ['payments', 'prod'];
    const t = targetOf(ctx, service, env);
    const replicas = liveWorkload(ctx, service, env);
    const wanted = Number((replicas.object.spec as { replicas?: number }).replicas ?? 3) + 2;
    ctx.knobs.demandReplicas.set(knobKey(service, env), wanted);
    ctx.note(`${service}/${env}: load now needs ${wanted} ready replicas for normal latency`);
    return [
      {
        title: `${service}/${env}: PaymentsLatencyHigh`,
        groupBy: ['alertname', 'service', 'env'],
        pagerduty: { serviceId: ctx.catalog.services[service]?.pagerduty.serviceId ?? '' },
        alerts: [
          {
            labels: {
              alertname: 'PaymentsLatencyHigh',
              severity: 'page',
              slo: 'latency-p95',
              service,
              env,
              namespace: t.namespace,
            },
            annotations: { summary: 'payments p95 latency above 800 ms; latency SLO burning 10x' },
          },
        ],
        healthy: recovered(ctx, service, env, (s) => s.latencyP95 <= 0.8),
        onResolved: () => ctx.knobs.demandReplicas.delete(knobKey(service, env)),
      },
    ];
  },
};

/** The four scenarios of the console's panel, in the order shown. */
export const SCENARIOS: Scenario[] = [checkoutCrashloop, gateway5xx, paymentsLatency, alertStorm];
