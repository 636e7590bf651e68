import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKubeClients } from '../../src/adapters/kubernetes/create-kube-clients.ts';
import { OCI_CREATED, OCI_REVISION } from '../../src/deploys/commit-source.ts';
import { createDeployLog } from '../../src/deploys/deploy-log.ts';
import { kubeConfigFor } from '../../src/sandbox/kubernetes/index.ts';
import type { EmulatedMessage } from '../../src/sandbox/slack/emulator-types.ts';
import { type DeployWorld, startDeployWorld } from '../support/deploy-e2e.ts';
import { requireBinary } from '../support/prometheus.ts';
import { CHECKOUT, ONCALL, STAGING } from '../support/runs-e2e.ts';
import { shown } from '../support/runs-slack.ts';
import { visibleText } from '../support/slack.ts';

const prometheusBin = requireBinary('prometheus');

describe.skipIf(!prometheusBin)('e2e: /mc deploy records where lead time starts', () => {
  let world: DeployWorld;
  beforeAll(async () => {
    world = await startDeployWorld();
  }, 60_000);
  afterAll(async () => {
    await world?.close();
  });

  const lastDeploy = () =>
    createDeployLog({ db: world.bot.store.db, ledger: world.bot.ledger }).lastDeploy(
      'checkout',
      'staging',
    );
  const deployAndConfirm = async (text: string) => {
    const before = world.plans().length;
    expect((await world.command(text, ONCALL)).status).toBe(200);
    const plan = await world.until(
      'a plan message',
      () => world.plans().length > before && world.plans().at(-1),
    );
    await world.click(plan, 'run.confirm', ONCALL);
    await world.until('the run to succeed', () => {
      const m: EmulatedMessage = world.current(plan);
      return shown(m).includes('— succeeded') && m;
    });
    await world.bot.engine.idle();
  };

  it('takes the commit and its time from --commit and --commit-at', async () => {
    await deployAndConfirm(
      'deploy checkout 1.4.3 --env staging --commit 3F1C2B8E --commit-at 2026-11-30T08:00:00Z',
    );
    expect(await lastDeploy()).toMatchObject({
      kind: 'deploy',
      toImage: 'shop/checkout:1.4.3',
      commit: '3f1c2b8e',
      commitAt: new Date('2026-11-30T08:00:00Z'),
    });
  }, 60_000);

  it('reads them from the OCI annotations the pipeline put on the workload', async () => {
    const kc = kubeConfigFor(world.kube, [STAGING], { clusterPerContext: true });
    const { apps } = createKubeClients(kc).forContext(STAGING);
    await apps.patchNamespacedDeployment(
      {
        name: CHECKOUT.name,
        namespace: CHECKOUT.namespace,
        body: {
          metadata: {
            annotations: { [OCI_REVISION]: 'a1b2c3d4e5', [OCI_CREATED]: '2026-12-01T06:30:00Z' },
          },
        },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    await deployAndConfirm('deploy checkout 1.4.4 --env staging');
    expect(await lastDeploy()).toMatchObject({
      toImage: 'shop/checkout:1.4.4',
      commit: 'a1b2c3d4e5',
      commitAt: new Date('2026-12-01T06:30:00Z'),
    });
  }, 60_000);

  it.each([
    ['--commit-at yesterday', '`--commit-at yesterday` is not a time'],
    ['--commit main', '`--commit main` is not a commit sha'],
  ])('refuses %s, saying what to type', async (flags, message) => {
    const sent = await world.command(`deploy checkout 1.4.5 --env staging ${flags}`, ONCALL);
    const [answer] = await world.until(
      'the refusal',
      () => world.answers(sent.responseId).length > 0 && world.answers(sent.responseId),
    );
    expect(visibleText(answer!)).toContain(message);
  });
});
