import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKubeClients } from '../../src/adapters/kubernetes/create-kube-clients.ts';
import { rolloutStatus } from '../../src/adapters/kubernetes/rollout-status.ts';
import { readWorkload } from '../../src/adapters/kubernetes/workload.ts';
import { runEvidence } from '../../src/cli/evidence.ts';
import { bufferIo } from '../../src/cli/io.ts';
import { runLedger } from '../../src/cli/ledger.ts';
import { DRILL_FINISHED, drillSubject } from '../../src/domain/drills/drill-result.ts';
import { exportEvidencePack } from '../../src/evidence/pack/export-pack.ts';
import {
  loadOrCreateSigningKey,
  publicKeyFromPem,
} from '../../src/evidence/signing/signing-key.ts';
import { verifyEvidenceBundle } from '../../src/evidence/signing/verify-bundle.ts';
import type { GateManifest } from '../../src/gates/gate-manifest.ts';
import { kubeConfigFor } from '../../src/sandbox/kubernetes/index.ts';
import { GATE_RERUN_ACTION } from '../../src/slack/render/gate-message.ts';
import { signProvenance } from '../evidence/support/sign-artifact.ts';
import {
  CHANNEL,
  LEAD,
  NOBODY,
  ONCALL,
  type RollbackWorld,
  STAGING,
  startRollbackWorld,
} from '../support/runs-e2e.ts';
import { visibleText } from '../support/slack.ts';

const text = (m: { blocks: unknown[] }) => JSON.stringify(m.blocks);
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const CAROL = 'U02CAROL03'; // release-manager in catalog.yml
const ERIN = 'U04ERINN05'; // qa-lead in catalog.yml
const DIGEST_HEX = '3f'.repeat(32);
const PINNED = `shop/checkout@sha256:${DIGEST_HEX}`;

describe('/mc gate through the whole bot', () => {
  let world: RollbackWorld;
  let configDir: string;
  beforeAll(async () => {
    // The release key and the pinned image's provenance bundle, where the default gate set's
    // signature check reads them (signing/ under the config directory).
    configDir = await mkdtemp(path.join(os.tmpdir(), 'mc-gate-config-'));
    const release = await loadOrCreateSigningKey({ dataDir: path.join(configDir, 'private') });
    await mkdir(path.join(configDir, 'signing', 'keys'), { recursive: true });
    await mkdir(path.join(configDir, 'signing', 'bundles'));
    await writeFile(path.join(configDir, 'signing', 'keys', 'release.pem'), release.publicKeyPem);
    await writeFile(
      path.join(configDir, 'signing', 'bundles', `sha256-${DIGEST_HEX}.sigstore.json`),
      JSON.stringify(await signProvenance(release, DIGEST_HEX)),
    );
    world = await startRollbackWorld({ configDir });
  });
  afterAll(async () => {
    await world?.close();
    if (configDir) await rm(configDir, { recursive: true, force: true });
  });

  it('refuses a requester without a gate role, and posts nothing', async () => {
    const sent = await world.command('gate checkout 1.4.2 --env staging', ONCALL);
    const [answer] = await world.until('the refusal', () => {
      const a = world.answers(sent.responseId);
      return a.length > 0 && a;
    });
    expect(visibleText(answer!)).toMatch(/Only .*sre-lead.* may run `\/mc gate`/);
    expect(world.plans()).toHaveLength(0);
  });

  it('posts one message whose decision and counts come from the checks; Re-run updates it', async () => {
    await world.command('gate checkout 1.4.2 --env staging', LEAD);
    const first = structuredClone(await world.until('the gate message', () => world.plans()[0]));
    expect(first.text).toBe(
      'NO-GO: 1/5 gates passed, 3 failed: Supply chain immutability, Resilience drills, Disaster recovery, 1 inconclusive: Observability',
    );
    expect(text(first)).toContain('not pinned by digest: app=`shop/checkout:1.4.2`');
    expect(text(first)).toContain('cannot verify an image not pinned by digest');
    expect(text(first)).toContain('PROMETHEUS_URL is not set');
    expect(text(first)).toMatch(
      /Sign-offs\*\\n:hourglass: `release-manager` needed\\n:hourglass: `sre-lead` needed\\n:hourglass: `qa-lead` needed/,
    );

    // Both drills pass; Re-run edits the same message with the new decision.
    for (const scenario of ['pod-kill', 'rollback-rehearsal']) {
      await world.bot.ledger.append({
        actor: 'mc',
        kind: DRILL_FINISHED,
        subject: drillSubject('checkout', 'staging'),
        data: {
          drillId: `d-${scenario}`,
          scenario,
          service: 'checkout',
          env: 'staging',
          outcome: 'passed',
          startedAt: new Date(Date.now() - 600_000).toISOString(),
          finishedAt: new Date(Date.now() - 500_000).toISOString(),
          recoverySeconds: 31,
          rtoSeconds: 900,
          requestedBy: LEAD,
        },
      });
    }
    // A re-run can invalidate sign-offs: someone who may not ask for a gate is refused.
    const evaluations = async () => {
      let n = 0;
      for await (const entry of world.bot.ledger.read())
        n += entry.kind === 'gate.evaluated' ? 1 : 0;
      return n;
    };
    let recorded = 0;
    for (let i = 0; i < 200 && recorded === 0; i++) {
      recorded = await evaluations();
      if (recorded === 0) await new Promise((r) => setTimeout(r, 25));
    }
    expect(recorded).toBe(1);
    await world.click(first, GATE_RERUN_ACTION, NOBODY);
    await world.until('the re-run refusal', () =>
      world.slack
        .ephemerals()
        .find((e) => e.user === NOBODY && /Nothing was re-run/.test(JSON.stringify(e))),
    );
    expect(await evaluations()).toBe(1);
    expect(world.plans()[0]?.text).toBe(first.text);
    const clicked = await world.click(first, GATE_RERUN_ACTION, LEAD);
    expect(clicked.status).toBe(200);
    const updated = await world.until('the message updated', () => {
      const m = world.plans()[0];
      return m && m.text !== first.text && m;
    });
    expect(world.plans()).toHaveLength(1);
    expect(updated.ts).toBe(first.ts);
    expect(updated.text).toBe(
      'NO-GO: 3/5 gates passed, 1 failed: Supply chain immutability, 1 inconclusive: Observability',
    );
    expect(text(updated)).toContain('31 s recovery');
    const kinds: string[] = [];
    for await (const entry of world.bot.ledger.read()) kinds.push(entry.kind);
    expect(kinds.filter((k) => k === 'gate.evaluated')).toHaveLength(2);
  });

  it('only role holders sign off, one role each; a re-run that changes results invalidates', async () => {
    const message = () => world.plans()[0]!;
    const signOff = async (role: string, user: string) => {
      const before = JSON.stringify(message().blocks);
      const sent = await world.click(message(), `gate.signoff:${role}`, user);
      expect(sent.status).toBe(200);
      return before;
    };
    // ONCALL holds none of the sign-off roles: refused, and the message does not change.
    const before = await signOff('release-manager', ONCALL);
    await world.until('the refusal', () =>
      world.slack
        .ephemerals(CHANNEL)
        .find((e) => /Only a holder of `release-manager`/.test(JSON.stringify(e))),
    );
    expect(JSON.stringify(message().blocks)).toBe(before);

    await signOff('sre-lead', LEAD);
    await world.until('the sre-lead sign-off', () =>
      /`sre-lead` <@U0SRELEAD1>/.test(text(message())),
    );
    // Holding one role does not let the SRE lead sign for another (distinct people: unit-tested).
    const count = world.slack.ephemerals(CHANNEL).length;
    await signOff('release-manager', LEAD);
    await world.until('the second refusal', () => world.slack.ephemerals(CHANNEL).length > count);
    expect(JSON.stringify(world.slack.ephemerals(CHANNEL).at(-1))).toMatch(
      /Only a holder of `release-manager`/,
    );
    await signOff('release-manager', CAROL);
    await signOff('qa-lead', ERIN);
    await world.until('all three sign-offs', () => !/needed/.test(text(message())));
    // Still NO-GO: sign-offs never outweigh failed gates.
    expect(message().text).toMatch(/^NO-GO: /);

    // The image gets pinned: the re-run changes a status, so every sign-off is invalidated.
    await pinImage(world);
    await world.click(message(), GATE_RERUN_ACTION, LEAD);
    await world.until(
      'sign-offs invalidated',
      () => /invalidated by a re-run/.test(text(message())) && message(),
    );
    expect(message().text).toBe('NO-GO: 4/5 gates passed, 1 inconclusive: Observability');
    expect(text(message())).toContain('1/1 signed');
    expect(text(message())).toMatch(/`sre-lead` needed/);
    const kinds: string[] = [];
    for await (const entry of world.bot.ledger.read()) kinds.push(entry.kind);
    expect(kinds.filter((k) => k === 'gate.signed-off')).toHaveLength(3);
  });

  it('waivers: role holders only, bounded, shown; GO is a signed manifest; expiry flips it back', async () => {
    const message = () => world.plans()[0]!;
    const gateId = /`(g_[0-9a-f]{12})`/.exec(text(message()))![1]!;
    const answer = async (line: string, user: string) => {
      const sent = await world.command(line, user);
      const [first] = await world.until(`the answer to ${line}`, () => {
        const a = world.answers(sent.responseId);
        return a.length > 0 && a;
      });
      return visibleText(first!);
    };
    // The pinned image as the deploy log knows it: the manifest lists it as a change.
    const { deployLog } = world.bot.parts;
    const deploy = await deployLog.recordDeploy({
      service: 'checkout',
      env: 'staging',
      fromImage: 'shop/checkout:1.4.2',
      toImage: PINNED,
      kind: 'deploy',
      by: LEAD,
    });
    await deployLog.finishDeploy(deploy.id, { outcome: 'succeeded' });
    const waive = `gate waive ${gateId}`;
    expect(await answer(`${waive} Observability --for 1h --reason dashboards move`, ERIN)).toMatch(
      /Only a holder of `release-manager` or `sre-lead` may waive a gate of `default`/,
    );
    expect(await answer(`${waive} 1 --for 1h --reason no reason`, CAROL)).toMatch(
      /\*Supply chain immutability\* passed; there is nothing to waive/,
    );
    expect(await answer(`${waive} 2 --for 100h --reason too long`, CAROL)).toMatch(/at most 72h/);
    expect(await answer(`${waive} 9 --for 1h --reason which`, CAROL)).toMatch(
      /No gate `9` in this evaluation; name one of: 1\. Supply chain immutability, 2\. Observability/,
    );
    expect(await answer(`${waive} 2 --for 1h`, CAROL)).toMatch(/Say why/);
    expect(message().text).toBe('NO-GO: 4/5 gates passed, 1 inconclusive: Observability');

    // A 4 s waiver for the missing Prometheus; its reason tries to broadcast, ping a group and
    // phish (Slack sends `@channel` as <!channel>, typed brackets escaped): all shown as text.
    const bait = '<!channel> &lt;!subteam^S01SRELEAD&gt; &lt;https://evil.example|https://x&gt;';
    const waiving = `${waive} "observability" --for 4s --reason dashboards migrate tonight ${bait}`;
    expect(await answer(waiving, CAROL)).toMatch(/Waived \*Observability\*/);
    await world.until('the waiver on the message', () =>
      /PENDING: 4\/5 gates passed, 1 waived: Observability/.test(message().text),
    );
    const shown = `dashboards migrate tonight ${bait.replace('<!channel>', '&lt;!channel&gt;')}`;
    // The expiry comes before the reason: a reason cut to fit never hides it.
    expect(text(message())).toMatch(
      new RegExp(
        `Waived by <@U02CAROL03> until <!date\\^\\d+\\^\\{date_short_pretty\\} \\{time\\}\\|[^>]+>: ${escapeRegExp(shown)}`,
      ),
    );
    const waived = await world.until('the waiver note in the thread', () =>
      world.thread(message()).find((m) => /waived \*Observability\*/.test(m.text)),
    );
    expect(waived.text).toContain(shown);
    expect(`${waived.text}${text(message())}`).not.toMatch(/<!channel>|<!subteam|<https:\/\/evil/);

    // Sign-offs, one with a comment typed as a command; the last one makes it GO.
    expect(
      await answer(`gate signoff ${gateId} sre-lead --comment rollback rehearsed, 31 s`, LEAD),
    ).toMatch(/Signed for `sre-lead`/);
    await world.click(message(), 'gate.signoff:release-manager', CAROL);
    await world.until('release-manager signed', () => /`release-manager` <@/.test(text(message())));
    await world.click(message(), 'gate.signoff:qa-lead', ERIN);
    const go = await world.until('GO', () => message().text.startsWith('GO') && message());
    expect(go.text).toBe('GO: 4/5 gates passed, 1 waived: Observability');
    expect(text(go)).toContain('`sre-lead` <@U0SRELEAD1> — rollback rehearsed, 31 s');

    // The GO is a signed manifest, linked in the thread and on the message.
    const note = await world.until('the GO evidence note', () =>
      world.thread(go).find((m) => /\*GO\* recorded as a signed manifest/.test(m.text)),
    );
    const url = /(http\S+\/evidence\/(\S+))$/.exec(note.text)!;
    expect(text(go)).toContain(`<${url[1]}|GO manifest (signed)>`);
    const record = (await world.bot.evidence.get(url[2]!))!;
    expect(record.kind).toBe('gate.decision');
    expect(record.subject).toBe('release:checkout:1.4.2');
    const manifest = (JSON.parse(record.document) as { body: GateManifest }).body;
    expect(manifest.decision).toBe('GO');
    expect(manifest.headline).toBe('4/5 gates passed, 1 waived: Observability');
    expect(manifest.artifacts).toEqual([
      { container: 'app', image: PINNED, digest: `sha256:${'3f'.repeat(32)}` },
    ]);
    expect(manifest.waivers).toMatchObject([
      {
        gate: 'Observability',
        by: CAROL,
        reason:
          'dashboards migrate tonight <!channel> <!subteam^S01SRELEAD> <https://evil.example|https://x>',
      },
    ]);
    expect(manifest.signOffs.map((o) => [o.role, o.by, o.comment])).toEqual([
      ['sre-lead', LEAD, 'rollback rehearsed, 31 s'],
      ['release-manager', CAROL, null],
      ['qa-lead', ERIN, null],
    ]);
    expect(manifest.gates.map((g) => g.status)).toEqual([
      'passed',
      'waived',
      'passed',
      'passed',
      'passed',
    ]);
    expect(manifest.drillEvidence).toEqual([]);
    expect(manifest.changes).toMatchObject([
      {
        runId: deploy.id,
        verb: 'deploy',
        env: 'staging',
        summary: `shop/checkout:1.4.2 → ${PINNED}`,
        by: LEAD,
        outcome: 'succeeded',
      },
    ]);
    expect(manifest.rollbackPlan.revision).toBeGreaterThan(0);
    const pem = await (await fetch(`${world.baseUrl}/evidence/keys`)).text();
    const verified = verifyEvidenceBundle(JSON.parse(record.bundle), {
      key: publicKeyFromPem(pem),
      document: Buffer.from(record.document),
    });
    expect(verified).toMatchObject({ ok: true });

    // The waiver expires on its own: NO-GO again, said in the thread, recorded and signed.
    const expired = await world.until(
      'the waiver expiry',
      () => message().text.startsWith('NO-GO') && message(),
      15_000,
    );
    expect(expired.text).toBe('NO-GO: 4/5 gates passed, 1 inconclusive: Observability');
    expect(text(expired)).toMatch(
      /~Waiver by <@U02CAROL03>~ expired <!date\^\d+\^\{date_short_pretty\} \{time\}\|[^>]+>: dashboards migrate tonight &lt;!channel&gt; /,
    );
    await world.until('the expiry note', () =>
      world.thread(go).find((m) => /The waiver of \*Observability\* .* expired/.test(m.text)),
    );
    await world.until('the NO-GO evidence note', () =>
      world.thread(go).find((m) => /\*NO-GO\* recorded as a signed manifest/.test(m.text)),
    );
    const kinds: string[] = [];
    for await (const entry of world.bot.ledger.read()) kinds.push(entry.kind);
    expect(kinds.filter((k) => k === 'gate.waived')).toHaveLength(1);
    expect(kinds.filter((k) => k === 'gate.waiver-expired')).toHaveLength(1);
    expect(world.plans()).toHaveLength(1);
  });

  it('a waiver that expires while the bot is down ends on the next start', async () => {
    const message = () => world.plans()[0]!;
    const gateId = /`(g_[0-9a-f]{12})`/.exec(text(message()))![1]!;
    const sent = await world.command(
      `gate waive ${gateId} Observability --for 2s --reason short window`,
      LEAD,
    );
    await world.until('the waiver', () => world.answers(sent.responseId).length > 0);
    await world.until('waived on the message', () => message().text.startsWith('GO'));
    await world.restart({}, 2_500);
    const after = await world.until(
      'the expiry after the restart',
      () => message().text.startsWith('NO-GO') && message(),
      15_000,
    );
    expect(after.text).toBe('NO-GO: 4/5 gates passed, 1 inconclusive: Observability');
    const kinds: string[] = [];
    for await (const entry of world.bot.ledger.read()) kinds.push(entry.kind);
    expect(kinds.filter((k) => k === 'gate.waiver-expired')).toHaveLength(2);
  });

  it("exports the release's evidence pack from the bot's store; it verifies offline", async () => {
    const pem = await (await fetch(`${world.baseUrl}/evidence/keys`)).text();
    const out = path.join(configDir, 'pack');
    const pack = await exportEvidencePack({
      db: world.bot.store.db,
      key: publicKeyFromPem(pem),
      service: 'checkout',
      version: '1.4.2',
      outDir: out,
    });
    expect(pack.ok).toBe(true);
    // The latest decision is the NO-GO after the second waiver expired; the GO and the first
    // NO-GO are in the pack too.
    expect(pack.index.decision.decision).toBe('NO-GO');
    const decisions = pack.index.evidence.filter((e) => e.kind === 'gate.decision');
    expect(decisions.length).toBeGreaterThanOrEqual(3);
    const cli = async (run: typeof runEvidence, ...argv: string[]) => {
      const io = bufferIo(out, { MC_DATA_DIR: 'no-such-dir' });
      return { code: await run(argv, io.io), stdout: io.stdout(), stderr: io.stderr() };
    };
    const manifest = await cli(
      runEvidence,
      'verify',
      'manifest.sigstore.json',
      '--document',
      'manifest.json',
      '--key',
      'key.pem',
    );
    expect(manifest.code, manifest.stderr).toBe(0);
    const ledger = await cli(
      runLedger,
      'verify',
      '--file',
      'ledger.jsonl',
      '--evidence',
      'evidence',
    );
    expect(ledger.code, ledger.stderr).toBe(0);
    expect(ledger.stdout).toContain(`OK: ${pack.index.ledger.count} entries`);
  });
});

/** Repoints checkout/staging at a digest-pinned image and waits until it is rolled out. */
async function pinImage(world: RollbackWorld): Promise<void> {
  const kube = createKubeClients(kubeConfigFor(world.kube, [STAGING], { clusterPerContext: true }));
  const { apps } = kube.forContext(STAGING);
  await apps.patchNamespacedDeployment(
    {
      name: 'checkout',
      namespace: 'checkout',
      body: { spec: { template: { spec: { containers: [{ name: 'app', image: PINNED }] } } } },
    },
    setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
  );
  const ref = {
    context: STAGING,
    namespace: 'checkout',
    kind: 'Deployment' as const,
    name: 'checkout',
  };
  for (let i = 0; i < 400; i += 1) {
    const workload = await readWorkload(kube, ref);
    const ready = Number(workload.status.availableReplicas ?? 0) >= workload.replicas;
    if (rolloutStatus(workload).state === 'complete' && ready) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('the pinned image did not roll out');
}
