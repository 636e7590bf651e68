import { promises as fs } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { Catalog, CommandSpec } from '../../src/config/schema.ts';
import type { Playbook } from '../../src/domain/playbooks/schema.ts';
import { mentionLine } from '../../src/findings/mention-line.ts';
import type { RunEngine, RunRequest, RunView } from '../../src/runs/types.ts';
import {
  ALICE,
  type Backend,
  catalog as baseCatalog,
  deploymentOf,
  LEAD,
  NOBODY,
  openBackend,
  PEOPLE,
  PROD,
  RM,
  SRE,
  STAGING,
  startRunWorld,
  type World,
} from './support/run-world.ts';

// Every way a run is created or advanced, for every kind of clicker, in both environments:
// nothing changes the cluster in prod without a distinct approver, and nothing changes it for
// someone the effective policy does not let ask.

/** Kinds of clicker: ALICE on call, LEAD on call AND sre-lead, SRE approver only, NOBODY. */
const CLICKERS = { requester: ALICE, dual: LEAD, approver: SRE, roleless: NOBODY } as const;
const ENVS = ['staging', 'prod'] as const;
const VERBS = ['rollback', 'deploy', 'triage', 'drill'] as const;
const REASON = 'p99 doubled after the release';

/** The repository's verbs, with the catalog's kind of baselines on the test catalog. */
async function repoCommands(): Promise<Map<string, CommandSpec>> {
  const dir = new URL('../../commands/', import.meta.url);
  const specs = await Promise.all(
    (await fs.readdir(dir)).map(async (file) =>
      CommandSpec.parse(parseYaml(await fs.readFile(new URL(file, dir), 'utf8'))),
    ),
  );
  return new Map(specs.map((s) => [s.verb, s]));
}

const policyCatalog = Catalog.parse({
  ...baseCatalog,
  environments: {
    staging: {
      ...baseCatalog.environments.staging,
      policy: { requesters: ['oncall', 'sre-lead'] },
    },
    prod: {
      ...baseCatalog.environments.prod,
      policy: {
        requesters: ['oncall', 'sre-lead', 'release-manager'],
        approvals: { count: 1, roles: ['sre-lead', 'release-manager'] },
        selfApproval: false,
        reasonRequired: true,
        reasonMinLength: 10,
        actions: {
          'k8s.scale': { approvals: { count: 2, roles: ['sre-lead', 'release-manager'] } },
        },
      },
    },
  },
});

/** A triage playbook whose prod override asks for one more approver than the policy. */
const STRICT_PLAYBOOK = {
  id: 'strict-fix',
  kind: 'triage',
  approval: { prod: { count: 2, roles: ['sre-lead', 'release-manager'] } },
} as unknown as Playbook;

let image = 0;
function request(verb: string, env: string, requester: string, extra: Partial<RunRequest> = {}) {
  image += 1;
  return {
    verb,
    target: { service: 'checkout', env },
    requester: { id: requester },
    reason: REASON,
    steps: [
      {
        action: 'k8s.set-image',
        params: { service: 'checkout', env, image: `shop/checkout:9.${image}.0` },
      },
    ],
    ...extra,
  } satisfies RunRequest;
}

/**
 * Who the effective policy lets ask: in both environments the baseline narrows every verb
 * (triage's `anyone` included) to people on call or leads; the role-less never.
 */
function mayAsk(who: string): boolean {
  return [ALICE, LEAD, SRE].includes(who);
}

/** Someone other than the requester who holds a role that may approve this run. */
function approverFor(view: RunView): string {
  const found = [SRE, LEAD, RM].find(
    (p) =>
      p !== view.run.requester &&
      (PEOPLE[p] ?? []).some((role) => view.requirements.approvals.roles.includes(role)),
  );
  if (!found) throw new Error(`nobody may approve ${view.run.id}`);
  return found;
}

async function settled(engine: RunEngine, runId: string): Promise<RunView> {
  await engine.idle();
  const view = await engine.get(runId);
  if (!view) throw new Error(`run ${runId} vanished`);
  return view;
}

describe('src/runs one policy for every entry point', () => {
  let backend: Backend;
  let world: World;
  let engine: RunEngine;
  let commands: Map<string, CommandSpec>;
  const context = (env: string) => (env === 'prod' ? PROD : STAGING);
  const live = (env: string) => deploymentOf(world, context(env)).image;

  beforeAll(async () => {
    backend = await openBackend('pglite');
    commands = await repoCommands();
  });
  afterAll(async () => {
    await backend?.close();
  });
  afterEach(async () => {
    await world.close();
  });

  async function start() {
    world = await startRunWorld(backend);
    engine = world.engine({
      catalog: policyCatalog,
      commands,
      playbooks: [STRICT_PLAYBOOK],
    });
  }

  describe.each(ENVS)('request → confirm / approve in %s', (env) => {
    it.each(
      VERBS.flatMap((verb) =>
        Object.entries(CLICKERS).map(([kind, who]) => [verb, kind, who] as const),
      ),
    )('/mc %s asked by the %s', async (verb, _kind, who) => {
      await start();
      const before = live(env);
      const asked = await engine.request(request(verb, env, who));
      if (!mayAsk(who)) {
        expect(asked).toMatchObject({ ok: false, code: 'not_allowed' });
        expect(live(env)).toBe(before);
        return;
      }
      if (!asked.ok) throw new Error(asked.message);
      const run = asked.view.run;
      if (env === 'staging') {
        expect(run.state).toBe('planned');
        // Only the requester confirms; nobody else can make it run.
        for (const other of Object.values(CLICKERS).filter((c) => c !== who)) {
          expect(await engine.confirm(run.id, { id: other }, run.planHash)).toMatchObject({
            ok: false,
          });
        }
        expect(live(env)).toBe(before);
        expect(await engine.confirm(run.id, { id: who }, run.planHash)).toMatchObject({ ok: true });
        expect((await settled(engine, run.id)).run.state).toBe('succeeded');
        expect(live(env)).not.toBe(before);
        return;
      }
      // prod: waits for a distinct approver, whoever asked and whatever the verb says.
      expect(run.state).toBe('awaiting_approval');
      expect(asked.view.requirements.approvals.count).toBeGreaterThanOrEqual(1);
      expect(await engine.confirm(run.id, { id: who }, run.planHash)).toMatchObject({ ok: false });
      expect(await engine.approve(run.id, { id: who }, run.planHash)).toMatchObject({ ok: false });
      expect(await engine.approve(run.id, { id: NOBODY }, run.planHash)).toMatchObject({
        ok: false,
        code: 'not_an_approver',
      });
      expect(live(env)).toBe(before);
      const approver = approverFor(asked.view);
      expect(await engine.approve(run.id, { id: approver }, run.planHash)).toMatchObject({
        ok: true,
      });
      expect((await settled(engine, run.id)).run.state).toBe('succeeded');
      expect(live(env)).not.toBe(before);
    });
  });

  it('a triage run from a playbook that tightens prod needs its two approvers', async () => {
    await start();
    const before = live('prod');
    const asked = await engine.request(
      request('triage', 'prod', ALICE, { playbook: 'strict-fix' }),
    );
    if (!asked.ok) throw new Error(asked.message);
    const { run } = asked.view;
    expect(asked.view.requirements.approvals).toEqual({
      count: 2,
      roles: ['sre-lead', 'release-manager'],
    });
    expect(asked.view.requirements.basis).toContain('playbook strict-fix approval.prod');
    expect(await engine.approve(run.id, { id: SRE }, run.planHash)).toMatchObject({ ok: true });
    expect((await settled(engine, run.id)).run.state).toBe('awaiting_approval');
    expect(live('prod')).toBe(before);
    expect(await engine.approve(run.id, { id: RM }, run.planHash)).toMatchObject({ ok: true });
    expect((await settled(engine, run.id)).run.state).toBe('succeeded');
  });

  it('a per-action baseline applies to every verb that uses the action', async () => {
    await start();
    const scale = {
      ...request('triage', 'prod', ALICE),
      steps: [{ action: 'k8s.scale', params: { service: 'checkout', env: 'prod', replicas: 5 } }],
    };
    const asked = await engine.request(scale);
    if (!asked.ok) throw new Error(asked.message);
    expect(asked.view.requirements.approvals.count).toBe(2);
    expect(asked.view.requirements.basis).toContain(
      'catalog.yml environments.prod.policy.actions.k8s.scale',
    );
  });

  it('a reason shorter than the baseline minimum is refused with how long it must be', async () => {
    await start();
    const outcome = await engine.request({ ...request('rollback', 'prod', ALICE), reason: 'x' });
    expect(outcome).toMatchObject({
      ok: false,
      code: 'reason_required',
      message:
        '`/mc rollback` in `prod` needs a reason of at least 10 characters, for the approvers and the ledger; "x" has 1. Say what is wrong and why this fixes it.',
    });
  });

  describe.each(ENVS)('Revert in %s', (env) => {
    it('goes through the same policy: role-less refused, prod needs a distinct approver again', async () => {
      await start();
      const asked = await engine.request(request('rollback', env, ALICE));
      if (!asked.ok) throw new Error(asked.message);
      const { run } = asked.view;
      if (env === 'prod') await engine.approve(run.id, { id: SRE }, run.planHash);
      else await engine.confirm(run.id, { id: ALICE }, run.planHash);
      expect((await settled(engine, run.id)).run.state).toBe('succeeded');
      const after = live(env);
      expect(await engine.revert(run.id, { id: NOBODY })).toMatchObject({
        ok: false,
        code: 'not_allowed',
      });
      const revert = await engine.revert(run.id, { id: LEAD });
      if (!revert.ok) throw new Error(revert.message);
      const undo = revert.view.run;
      if (env === 'prod') {
        expect(undo.state).toBe('awaiting_approval');
        expect(await engine.approve(undo.id, { id: LEAD }, undo.planHash)).toMatchObject({
          ok: false,
          code: 'self_approval',
        });
        expect(live(env)).toBe(after);
        await engine.approve(undo.id, { id: RM }, undo.planHash);
      } else {
        expect(await engine.confirm(undo.id, { id: ALICE }, undo.planHash)).toMatchObject({
          ok: false,
        });
        await engine.confirm(undo.id, { id: LEAD }, undo.planHash);
      }
      expect((await settled(engine, undo.id)).run.state).toBe('succeeded');
      expect(live(env)).not.toBe(after);
    });
  });

  it('Resume of an interrupted run: its requester or a permitted requester, never a stranger', async () => {
    await start();
    const asked = await engine.request(request('rollback', 'prod', ALICE));
    if (!asked.ok) throw new Error(asked.message);
    const { run } = asked.view;
    await backend.db.query(
      `UPDATE runs SET state = 'interrupted', interrupted_from = 'executing' WHERE id = $1`,
      [run.id],
    );
    expect(await engine.resume(run.id, { id: NOBODY })).toMatchObject({
      ok: false,
      code: 'not_allowed',
    });
    expect(await engine.resume(run.id, { id: RM })).toMatchObject({ ok: true });
    await engine.idle();
  });

  it('a drill restore is covered by its fault run only when it restores exactly that run', async () => {
    await start();
    const fault = await engine.request({
      ...request('drill', 'staging', ALICE),
      steps: [
        { action: 'k8s.scale', params: { service: 'checkout', env: 'staging', replicas: 1 } },
      ],
    });
    if (!fault.ok) throw new Error(fault.message);
    await engine.confirm(fault.view.run.id, { id: ALICE }, fault.view.run.planHash);
    const done = await settled(engine, fault.view.run.id);
    expect(done.run.state).toBe('succeeded');
    const restore = (replicas: number, who = ALICE): RunRequest => ({
      verb: 'drill',
      target: { service: 'checkout', env: 'staging' },
      requester: { id: who },
      reason: 'restore after the drill',
      steps: [{ action: 'k8s.scale', params: { service: 'checkout', env: 'staging', replicas } }],
      coveredBy: done.run.id,
    });
    expect(await engine.request(restore(7))).toMatchObject({
      ok: false,
      code: 'not_allowed',
      message: `Run ${done.run.id} cannot cover this restore: these steps are not the restore of what it changed.`,
    });
    expect(await engine.request(restore(3, LEAD))).toMatchObject({
      ok: false,
      message: `Run ${done.run.id} cannot cover this restore: it was asked for by someone else.`,
    });
    const covered = await engine.request(restore(3));
    if (!covered.ok) throw new Error(covered.message);
    expect(covered.view.requirements.basis?.at(-1)).toBe(
      `covered by the approval of run ${done.run.id}`,
    );
    expect(covered.view.run.state).toBe('planned');
  });

  it('a covered restore in prod still cannot skip the approval of a run that never had one', async () => {
    await start();
    const asked = await engine.request(request('drill', 'prod', ALICE));
    if (!asked.ok) throw new Error(asked.message);
    // The fault run waits for approval: nothing is covered until it succeeded.
    const outcome = await engine.request({
      ...request('drill', 'prod', ALICE),
      coveredBy: asked.view.run.id,
    });
    expect(outcome).toMatchObject({ ok: false });
  });

  describe.each(ENVS)('decisions on a run in flight in %s', (env) => {
    it.each([
      ['promote', ALICE, env === 'staging'],
      ['promote', LEAD, env === 'staging'],
      ['promote', SRE, env === 'prod'],
      ['promote', NOBODY, false],
      ['abort', ALICE, true],
      ['abort', RM, env === 'prod'],
      ['abort', NOBODY, false],
      ['continue', ALICE, true],
      ['continue', NOBODY, false],
      ['rollback', ALICE, true],
      ['rollback', NOBODY, false],
    ] as const)('%s by %s: allowed %s', async (decision, who, allowed) => {
      await start();
      // LEAD asks in staging, ALICE in prod: the requester is who the table expects.
      const requester = decision === 'promote' && who === LEAD ? LEAD : ALICE;
      const asked = await engine.request(request('deploy', env, requester));
      if (!asked.ok) throw new Error(asked.message);
      const outcome = await engine.authorize(asked.view.run.id, { id: who }, decision);
      expect(outcome.ok).toBe(allowed);
    });
  });

  it('a click from another channel or Slack team than the run’s is refused', async () => {
    await start();
    const asked = await engine.request({
      ...request('rollback', 'prod', ALICE),
      requester: { id: ALICE, origin: { team: 'T0ACME', channel: 'C0OPS' } },
      channel: 'C0OPS',
    });
    if (!asked.ok) throw new Error(asked.message);
    const { run } = asked.view;
    expect(
      await engine.approve(
        run.id,
        { id: SRE, origin: { team: 'T0OTHER', channel: 'C0OPS' } },
        run.planHash,
      ),
    ).toMatchObject({ ok: false, code: 'wrong_place' });
    expect(
      await engine.approve(
        run.id,
        { id: SRE, origin: { team: 'T0ACME', channel: 'C0ELSE' } },
        run.planHash,
      ),
    ).toMatchObject({
      ok: false,
      code: 'wrong_place',
      message: `Run ${run.id} is decided in the channel where its message is, not here; nothing was done.`,
    });
    expect(
      await engine.approve(
        run.id,
        { id: SRE, origin: { team: 'T0ACME', channel: 'C0OPS' } },
        run.planHash,
      ),
    ).toMatchObject({ ok: true });
    await engine.idle();
  });

  it.each([
    ['staging', ALICE, true],
    ['staging', NOBODY, false],
    ['prod', RM, true],
    ['prod', NOBODY, false],
  ] as const)('permits a dismissal in %s by %s: %s', async (env, who, allowed) => {
    await start();
    const outcome = await engine.permits({
      verb: 'triage',
      target: { service: 'checkout', env },
      actor: { id: who },
    });
    expect(outcome.ok).toBe(allowed);
  });

  it('a reject reason is quoted, never a mention: only the rejecter is named', async () => {
    await start();
    const asked = await engine.request(request('rollback', 'prod', ALICE));
    if (!asked.ok) throw new Error(asked.message);
    const outcome = await engine.reject(
      asked.view.run.id,
      { id: SRE },
      '<@U0CEO00001> <!channel> no',
    );
    if (!outcome.ok) throw new Error(outcome.message);
    expect(outcome.view.run.error).toBe(`Rejected by <@${SRE}>: ‹@U0CEO00001› ‹!channel› no`);
    expect(mentionLine(outcome.view.run.error ?? '')).toEqual([
      'Rejected by ',
      { user: SRE },
      ': ‹@U0CEO00001› ‹!channel› no',
    ]);
  });
});
