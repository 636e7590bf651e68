import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEvidence } from '../../src/cli/evidence.ts';
import { bufferIo } from '../../src/cli/io.ts';
import { runLedger } from '../../src/cli/ledger.ts';
import { createDeployLog } from '../../src/deploys/deploy-log.ts';
import { DRILL_FINISHED } from '../../src/domain/drills/drill-result.ts';
import { createLedger } from '../../src/evidence/ledger/create-ledger.ts';
import { imageIsVersion } from '../../src/evidence/pack/release-links.ts';
import { PackIndex } from '../../src/evidence/pack/schema.ts';
import { createEvidence, type RecordedEvidence } from '../../src/evidence/record-evidence.ts';
import { loadOrCreateSigningKey } from '../../src/evidence/signing/signing-key.ts';
import { GATE_DECISION_EVIDENCE, releaseSubject } from '../../src/gates/gate-manifest.ts';
import { createGateStore } from '../../src/gates/gate-store.ts';
import { openStore } from '../../src/store/open-store.ts';
import { gateManifest } from './support/gate-manifest.ts';
import { silentLog, steppingClock } from './support/test-store.ts';

const IMAGE = 'ghcr.io/acme/checkout';

describe('src/evidence/pack', () => {
  let dir: string;
  let packDir: string;
  /** Evidence the pack of checkout v1.4.2 must hold, and must not. */
  const wanted: Record<string, RecordedEvidence> = {};
  const unwanted: Record<string, RecordedEvidence> = {};
  const hashes = new Map<number, string>();
  let head = 0;

  async function run(
    cli: typeof runEvidence,
    cwd: string,
    env: Record<string, string | undefined>,
    ...argv: string[]
  ) {
    const out = bufferIo(cwd, env);
    const code = await cli(argv, out.io);
    return { code, stdout: out.stdout(), stderr: out.stderr() };
  }
  /** The CLI as an operator runs it next to the bot's data directory. */
  const mc = (cli: typeof runEvidence, ...argv: string[]) =>
    run(cli, dir, { MC_DATA_DIR: 'data', MC_PUBLIC_URL: 'https://mc.example.com' }, ...argv);
  /** The CLI as an auditor runs it inside a pack: no data directory, no network. */
  const offline = (cli: typeof runEvidence, cwd: string, ...argv: string[]) =>
    run(cli, cwd, { MC_DATA_DIR: 'no-such-dir' }, ...argv);

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'mc-evidence-pack-'));
    packDir = path.join(dir, 'pack');
    const dataDir = path.join(dir, 'data');
    const key = await loadOrCreateSigningKey({ dataDir });
    const store = await openStore({ dataDir, log: silentLog });
    const { db } = store;
    const clock = steppingClock('2025-05-01T08:00:00.000Z', 60_000);
    const ledger = createLedger(db, { clock });
    const evidence = createEvidence({ db, ledger, key, publicUrl: 'https://mc.example.com' });
    const deploys = createDeployLog({ db, ledger, clock });
    const gates = createGateStore(db);

    async function finishedRun(id: string, verb: string, service: string, env = 'prod') {
      const at = clock();
      await db.query(
        `INSERT INTO runs (id, verb, service, env, requester, state, plan_hash, steps, plans,
           requirements, created_at, updated_at, expires_at)
         VALUES ($1, $2, $3, $4, 'U0ALICE', 'succeeded', $5, '[]', '[]', '{}', $6, $6, $6)`,
        [id, verb, service, env, 'a'.repeat(64), at],
      );
      const target = { service, env };
      await ledger.append({
        actor: 'U0ALICE',
        kind: 'run.planned',
        subject: `run:${id}`,
        data: { run: id, verb, target },
      });
      return evidence.record({
        kind: 'run',
        subject: `run:${id}`,
        summary: `${verb} ${service}/${env}: succeeded`,
        actor: 'U0ALICE',
        body: { run: id, request: { verb, target, requester: 'U0ALICE' }, outcome: 'succeeded' },
      });
    }
    async function drill(service: string, env: string) {
      return db.transaction(async (tx) => {
        const subject = `drill:${service}:${env}`;
        const recorded = await evidence.record(
          {
            kind: 'drill',
            subject,
            summary: `Drill pod-kill on ${service}/${env}: passed`,
            actor: 'U0BOB',
            body: { drill: 'd1', result: { outcome: 'passed' } },
          },
          { tx },
        );
        await ledger.append(
          {
            actor: 'U0BOB',
            kind: DRILL_FINISHED,
            subject,
            data: { service, env, outcome: 'passed', evidenceUrl: recorded.url },
          },
          { tx },
        );
        return recorded;
      });
    }
    const decide = (service: string, version: string, body: unknown) =>
      evidence.record({
        kind: GATE_DECISION_EVIDENCE,
        subject: releaseSubject(service, version),
        summary: `decision for ${service} ${version}`,
        actor: 'U0RELEASE',
        body,
      });

    // Long before the release: a run, a cited drill and an uncited one.
    unwanted.oldRun = await finishedRun('r_oldoldoldold', 'restart', 'checkout');
    wanted.citedDrill = await drill('checkout', 'staging');
    unwanted.oldDrill = await drill('checkout', 'prod');
    unwanted.previousDecision = await decide(
      'checkout',
      'v1.4.1',
      gateManifest({ decision: 'GO' }),
    );
    // The release window of v1.4.2 opens here.
    wanted.restart = await finishedRun('r_restartaaaaa', 'restart', 'checkout');
    unwanted.paymentsRun = await finishedRun('r_paymentsaaaa', 'deploy', 'payments');
    // A run whose row retention removed: its own evidence names the service.
    wanted.orphanRun = await evidence.record({
      kind: 'run',
      subject: 'run:r_orphanaaaaaa',
      summary: 'scale checkout/prod: succeeded',
      actor: 'U0ALICE',
      body: { run: 'r_orphanaaaaaa', request: { verb: 'scale', target: { service: 'checkout' } } },
    });
    unwanted.paymentsDrill = await drill('payments', 'prod');
    unwanted.paymentsDecision = await decide('payments', 'v1.4.2', gateManifest());
    wanted.drill = await drill('checkout', 'prod');
    const gate = await gates.create({
      setId: 'standard',
      service: 'checkout',
      env: 'prod',
      version: 'v1.4.2',
      requester: 'U0RELEASE',
      results: [],
      digest: 'd'.repeat(64),
      evaluatedAt: clock(),
    });
    await ledger.append({
      actor: 'U0RELEASE',
      kind: 'gate.evaluated',
      subject: `gate:${gate.id}`,
      data: { service: 'checkout', version: 'v1.4.2', decision: 'NO-GO' },
    });
    wanted.noGo = await decide('checkout', 'v1.4.2', gateManifest({ drillEvidence: [] }));
    wanted.go = await decide(
      'checkout',
      'v1.4.2',
      gateManifest({
        decision: 'GO',
        headline: '4/4 gates passed',
        drillEvidence: [wanted.citedDrill.url],
        changes: [
          {
            runId: 'r_restartaaaaa',
            verb: 'restart',
            env: 'prod',
            summary: 'restart',
            by: 'U0ALICE',
            at: '2025-05-01T08:05:00.000Z',
            outcome: 'succeeded',
            ledgerSeq: wanted.restart.ledgerSeq,
          },
        ],
      }),
    );
    wanted.deploy = await finishedRun('r_deployaaaaaa', 'deploy', 'checkout');
    await deploys.recordDeploy({
      service: 'checkout',
      env: 'prod',
      fromImage: `${IMAGE}:v1.4.1`,
      toImage: `${IMAGE}:v1.4.2`,
      kind: 'deploy',
      by: 'U0ALICE',
      runId: 'r_deployaaaaaa',
    });
    // The next release takes over: its deploy is not ours, the rollback back to v1.4.2 is.
    unwanted.nextDecision = await decide('checkout', 'v1.4.3', gateManifest({ decision: 'GO' }));
    unwanted.nextDeploy = await finishedRun('r_nextdeployaa', 'deploy', 'checkout');
    await deploys.recordDeploy({
      service: 'checkout',
      env: 'prod',
      fromImage: `${IMAGE}:v1.4.2`,
      toImage: `${IMAGE}:v1.4.3`,
      kind: 'deploy',
      by: 'U0ALICE',
      runId: 'r_nextdeployaa',
    });
    unwanted.laterRestart = await finishedRun('r_laterrestart', 'restart', 'checkout');
    wanted.rollback = await finishedRun('r_rollbackaaaa', 'rollback', 'checkout');
    await deploys.recordDeploy({
      service: 'checkout',
      env: 'prod',
      fromImage: `${IMAGE}:v1.4.3`,
      toImage: `${IMAGE}:v1.4.2`,
      kind: 'rollback',
      by: 'U0ALICE',
      runId: 'r_rollbackaaaa',
    });
    const { rows } = await db.query<{ seq: string; hash: string }>(
      'SELECT seq, hash FROM ledger_entries ORDER BY seq',
    );
    for (const row of rows) hashes.set(Number(row.seq), row.hash);
    head = rows.length;
    await store.close();
  });
  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');
  const readPack = async () =>
    PackIndex.parse(JSON.parse(await fs.readFile(path.join(packDir, 'pack.json'), 'utf8')));

  it('exports the release: manifest, its evidence, a contiguous ledger slice, key and index', async () => {
    const result = await mc(
      runEvidence,
      'pack',
      '--service',
      'checkout',
      '--version',
      'v1.4.2',
      '--out',
      'pack',
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`evidence pack for checkout v1.4.2 written to ${packDir}`);
    expect(result.stdout).toContain(`decision:  GO (`);
    expect(result.stdout).toContain('verified:  OK at export');

    const manifest = await fs.readFile(path.join(packDir, 'manifest.json'));
    expect(sha256(manifest)).toBe(wanted.go!.digest);
    expect(JSON.parse(manifest.toString()).body.decision).toBe('GO');

    const files = (await fs.readdir(path.join(packDir, 'evidence'))).sort();
    const ids = Object.values(wanted).map((e) => e.id);
    expect(files).toEqual(
      ids.flatMap((id) => [`${id}.json`, `${id}.sigstore.json`]).sort((a, b) => a.localeCompare(b)),
    );
    for (const noise of Object.values(unwanted)) expect(files.join()).not.toContain(noise.id);

    const index = await readPack();
    expect(index.decision).toMatchObject({ evidenceId: wanted.go!.id, decision: 'GO' });
    expect(index.evidence.map((e) => e.id).sort()).toEqual([...ids].sort());
    const why = (id: string) => index.evidence.find((e) => e.id === id)?.why;
    expect(why(wanted.citedDrill!.id)).toEqual(['drill cited by a gate decision (drillEvidence)']);
    expect(why(wanted.drill!.id)).toEqual(['drill of checkout in the release window']);
    expect(why(wanted.restart!.id)).toEqual([
      'run listed in a manifest as a change',
      'run of checkout in the release window',
    ]);
    expect(why(wanted.rollback!.id)).toEqual([
      'run that deployed or rolled back v1.4.2 (deploy log)',
    ]);
    expect(index.selection.previousDecision?.id).toBe(unwanted.previousDecision!.id);
    expect(index.selection.nextDecision?.id).toBe(unwanted.nextDecision!.id);
    // From the earliest item (the cited drill) to the head, anchored on the entry before it.
    const from = wanted.citedDrill!.ledgerSeq;
    expect(index.ledger).toMatchObject({
      from,
      to: head,
      count: head - from + 1,
      anchor: hashes.get(from - 1),
      lastHash: hashes.get(head),
    });
    const lines = (await fs.readFile(path.join(packDir, 'ledger.jsonl'), 'utf8'))
      .trimEnd()
      .split('\n');
    expect(lines.map((l) => JSON.parse(l).seq)).toEqual(
      Array.from({ length: head - from + 1 }, (_, i) => from + i),
    );
    expect(lines.map((l) => JSON.parse(l).kind)).toContain(DRILL_FINISHED);

    const listed = index.files.map((f) => f.path);
    expect(listed).toEqual(expect.arrayContaining(['manifest.json', 'key.pem', 'README.md']));
    for (const file of index.files) {
      expect(sha256(await fs.readFile(path.join(packDir, file.path)))).toBe(file.sha256);
    }
    const key = await fs.readFile(path.join(packDir, 'key.pem'), 'utf8');
    expect(key).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    expect(key).not.toContain('PRIVATE');

    const readme = await fs.readFile(path.join(packDir, 'README.md'), 'utf8');
    expect(readme).toContain(
      'mc evidence verify manifest.sigstore.json --document manifest.json --key key.pem',
    );
    for (const id of ids) {
      expect(readme).toContain(
        `mc evidence verify evidence/${id}.sigstore.json --document evidence/${id}.json --key key.pem`,
      );
    }
    expect(readme).toContain('mc ledger verify --file ledger.jsonl');
    expect(readme).toContain('curl https://mc.example.com/evidence/keys');
    const verification = await fs.readFile(path.join(packDir, 'ledger-verification.txt'), 'utf8');
    expect(verification).toContain(`OK: ${head - from + 1} entries, seq ${from}..${head}`);
    expect(verification).toContain(`bundles: all ${ids.length} signatures valid`);
  });

  it('verifies offline from inside the pack: every bundle and the ledger slice', async () => {
    const manifest = await offline(
      runEvidence,
      packDir,
      'verify',
      'manifest.sigstore.json',
      '--document',
      'manifest.json',
      '--key',
      'key.pem',
    );
    expect(manifest.stderr).toBe('');
    expect(manifest.code).toBe(0);
    expect(manifest.stdout).toContain('manifest.json matches the signed digest');
    for (const { id } of Object.values(wanted)) {
      const check = await offline(
        runEvidence,
        packDir,
        'verify',
        `evidence/${id}.sigstore.json`,
        '--document',
        `evidence/${id}.json`,
        '--key',
        'key.pem',
      );
      expect(check.code, check.stderr).toBe(0);
    }
    const { ledger } = await readPack();
    const slice = await offline(runLedger, packDir, 'verify', '--file', 'ledger.jsonl');
    expect(slice.stderr).toBe('');
    expect(slice.code).toBe(0);
    expect(slice.stdout).toContain(
      `anchor (prevHash of seq ${ledger.from}): ${ledger.anchor} (from pack.json)`,
    );
    expect(slice.stdout).toContain(`OK: ${ledger.count} entries, seq ${ledger.from}..${ledger.to}`);
    const withEvidence = await offline(
      runLedger,
      packDir,
      'verify',
      '--file',
      'ledger.jsonl',
      '--evidence',
      'evidence',
    );
    expect(withEvidence.code).toBe(0);
    expect(withEvidence.stdout).toContain(
      `evidence: ${Object.keys(wanted).length} documents, each digest recorded`,
    );
  });

  describe('tampering', () => {
    let copy: string;
    let lines: string[];
    let from: number;

    beforeAll(async () => {
      lines = (await fs.readFile(path.join(packDir, 'ledger.jsonl'), 'utf8')).trimEnd().split('\n');
      from = (await readPack()).ledger.from;
    });
    async function tampered(edit: (dir: string) => Promise<void>): Promise<string> {
      copy = await fs.mkdtemp(path.join(dir, 'tampered-'));
      await fs.cp(packDir, copy, { recursive: true });
      await edit(copy);
      return copy;
    }
    const writeLines = (d: string, next: string[]) =>
      fs.writeFile(path.join(d, 'ledger.jsonl'), `${next.join('\n')}\n`);

    it('fails the manifest when one byte of it changes', async () => {
      const d = await tampered(async (d) => {
        const file = path.join(d, 'manifest.json');
        const bytes = await fs.readFile(file);
        const at = bytes.indexOf('"GO"') + 1;
        bytes[at] = 'N'.charCodeAt(0);
        await fs.writeFile(file, bytes);
      });
      const result = await offline(
        runEvidence,
        d,
        'verify',
        'manifest.sigstore.json',
        '--document',
        'manifest.json',
        '--key',
        'key.pem',
      );
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(
        /^FAILED: document sha256 [0-9a-f]{64} does not match the signed subject digest/,
      );
    });

    it('names the seq whose data changed', async () => {
      const index = lines.findIndex((l) => l.includes('"kind":"run.planned"'));
      const entry = JSON.parse(lines[index]!);
      const d = await tampered((d) =>
        writeLines(
          d,
          lines.map((l, i) => (i === index ? l.replace('"verb":"restart"', '"verb":"noop"') : l)),
        ),
      );
      const result = await offline(runLedger, d, 'verify', '--file', 'ledger.jsonl');
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(
        new RegExp(`^TAMPERED: first bad seq ${entry.seq}: seq ${entry.seq}: hash mismatch`),
      );
    });

    it('finds a deleted line in the middle and at the end', async () => {
      const middle = Math.floor(lines.length / 2);
      const gap = await tampered((d) =>
        writeLines(
          d,
          lines.filter((_, i) => i !== middle),
        ),
      );
      const result = await offline(runLedger, gap, 'verify', '--file', 'ledger.jsonl');
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(
        `TAMPERED: first bad seq ${from + middle}: gap: seq ${from + middle} missing`,
      );
      const tail = await tampered((d) => writeLines(d, lines.slice(0, -1)));
      const cut = await offline(runLedger, tail, 'verify', '--file', 'ledger.jsonl');
      expect(cut.code).toBe(1);
      expect(cut.stderr).toContain(`gap: seq ${from + lines.length - 1} missing`);
    });

    it('checks the anchor, and says when there is none to check', async () => {
      const wrong = await offline(
        runLedger,
        packDir,
        'verify',
        '--file',
        'ledger.jsonl',
        '--anchor',
        'f'.repeat(64),
      );
      expect(wrong.code).toBe(1);
      expect(wrong.stderr).toContain(
        `TAMPERED: first bad seq ${from}: seq ${from}: prevHash does not match`,
      );
      const bare = await tampered((d) => fs.rm(path.join(d, 'pack.json')));
      const unchecked = await offline(runLedger, bare, 'verify', '--file', 'ledger.jsonl');
      expect(unchecked.code).toBe(0);
      expect(unchecked.stdout).toContain('NOT CHECKED: pass --anchor HASH');
      const bad = await offline(
        runLedger,
        packDir,
        'verify',
        '--file',
        'ledger.jsonl',
        '--anchor',
        'xyz',
      );
      expect(bad.code).toBe(2);
    });

    it('finds an evidence document whose digest the slice does not record', async () => {
      const id = wanted.drill!.id;
      const d = await tampered((d) =>
        fs.writeFile(path.join(d, 'evidence', `${id}.json`), '{"forged":true}'),
      );
      const result = await offline(
        runLedger,
        d,
        'verify',
        '--file',
        'ledger.jsonl',
        '--evidence',
        'evidence',
      );
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(
        `evidence/${id}.json: sha256 ${sha256('{"forged":true}')} is not the digest`,
      );
    });
  });

  it('refuses a non-empty output directory and leaves it alone', async () => {
    const before = await fs.readFile(path.join(packDir, 'pack.json'), 'utf8');
    const again = await mc(
      runEvidence,
      'pack',
      '--service',
      'checkout',
      '--version',
      'v1.4.2',
      '--out',
      'pack',
    );
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`${packDir} is not empty`);
    expect(await fs.readFile(path.join(packDir, 'pack.json'), 'utf8')).toBe(before);
  });

  it('says how to record a decision when the release has none', async () => {
    const result = await mc(
      runEvidence,
      'pack',
      '--service',
      'checkout',
      '--version',
      'v9.9.9',
      '--out',
      'none',
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'mc evidence pack: no gate decision recorded for checkout v9.9.9; run /mc gate checkout v9.9.9 first\n',
    );
    await expect(fs.access(path.join(dir, 'none'))).rejects.toThrow();
    const usage = await mc(runEvidence, 'pack', '--service', 'checkout');
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('missing --version, --out');
  });
});

describe('src/evidence/pack/release-links', () => {
  it.each([
    ['ghcr.io/acme/checkout:v1.4.2', 'v1.4.2', true],
    ['ghcr.io/acme/checkout:1.4.2', 'v1.4.2', true],
    ['ghcr.io/acme/checkout:v1.4.2', '1.4.2', true],
    ['ghcr.io/acme/checkout:v1.4.2@sha256:abc', 'v1.4.2', true],
    ['ghcr.io/acme/checkout@sha256:abc', 'sha256:abc', true],
    ['ghcr.io/acme/checkout@sha256:abc', 'ghcr.io/acme/checkout@sha256:abc', true],
    ['ghcr.io/acme/checkout:v1.4.20', 'v1.4.2', false],
    ['ghcr.io/acme/checkout:v1.4.2-rc.1', 'v1.4.2', false],
    ['registry:5000/checkout', 'v1.4.2', false],
    [null, 'v1.4.2', false],
  ])('%s is version %s: %s', (image, version, expected) => {
    expect(imageIsVersion(image, version)).toBe(expected);
  });
});
