import path from 'node:path';
import { parseArgs } from 'node:util';
import { createEvidenceService, openEvidenceArchive } from '../evidence/evidence-service.ts';
import { createLedger } from '../evidence/ledger/create-ledger.ts';
import { dayBounds, recordDailyRoot, verifyDailyRoot } from '../evidence/ledger/daily-root.ts';
import { checkSignedRoots } from '../evidence/ledger/signed-roots.ts';
import {
  loadOrCreateSigningKey,
  type PublicSigningKey,
  readPublicKeyFile,
  signingKeyLocation,
} from '../evidence/signing/signing-key.ts';
import type { Db } from '../store/db.ts';
import type { CliIo } from './io.ts';
import { verifyLedgerFile } from './verify-ledger-file.ts';
import { withDb } from './with-db.ts';

const USAGE = `Usage:
  mc ledger verify [--from SEQ] [--to SEQ] [--key PEM]
                                             recompute every hash and link of the chain and,
                                             without a range, check it against every signed
                                             daily root (key: --key, else the bot's key)
  mc ledger verify --file LEDGER.jsonl [--anchor HASH] [--evidence DIR]
                                             the same, offline, for a slice exported by
                                             \`mc evidence pack\` (anchor: --anchor, else the
                                             pack.json next to the file); --evidence checks
                                             that each DIR/ev_*.json digest is recorded in it
  mc ledger root --date YYYY-MM-DD           compute, store and sign that UTC day's Merkle root
  mc ledger root --verify --date YYYY-MM-DD [--key PEM]
                                             recompute a stored root and check its signature

The database is DATABASE_URL, or the embedded one under MC_DATA_DIR (default ./data);
--file needs none.
Exit 0 when the ledger is intact, 1 when it is not, 2 on bad usage.
`;

class UsageError extends Error {}

function seqOption(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const seq = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(seq) || seq < 1) {
    throw new UsageError(`--${name} must be a positive whole number, got "${value}"`);
  }
  return seq;
}

async function verify(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      from: { type: 'string' },
      to: { type: 'string' },
      file: { type: 'string' },
      anchor: { type: 'string' },
      evidence: { type: 'string' },
      key: { type: 'string' },
    },
  });
  if (values.file !== undefined) {
    if (values.from !== undefined || values.to !== undefined) {
      throw new UsageError('--file verifies the whole slice: drop --from and --to');
    }
    if (values.anchor !== undefined && !/^[0-9a-f]{64}$/.test(values.anchor)) {
      throw new UsageError(`--anchor must be a lowercase hex sha256, got "${values.anchor}"`);
    }
    return verifyLedgerFile(
      {
        file: values.file,
        ...(values.anchor ? { anchor: values.anchor } : {}),
        ...(values.evidence ? { evidence: values.evidence } : {}),
      },
      io,
    );
  }
  if (values.anchor !== undefined || values.evidence !== undefined) {
    throw new UsageError('--anchor and --evidence go with --file');
  }
  const from = seqOption('from', values.from);
  const to = seqOption('to', values.to);
  return withDb(io, async (db) => {
    const started = performance.now();
    const report = await createLedger(db).verify({
      ...(from ? { from } : {}),
      ...(to ? { to } : {}),
    });
    const seconds = (performance.now() - started) / 1000;
    const rate = report.checked > 0 ? Math.round(report.checked / Math.max(seconds, 1e-6)) : 0;
    const lines =
      report.checked === 0
        ? ['entries checked: 0 (nothing stored in that range)']
        : [
            `entries checked: ${report.checked} (seq ${report.firstSeq}..${report.lastSeq})`,
            `${report.firstSeq === 1 ? 'genesis hash' : 'first hash'} (seq ${report.firstSeq}): ${report.firstHash}`,
            `latest hash (seq ${report.lastSeq}): ${report.lastHash}`,
          ];
    lines.push(`time: ${seconds.toFixed(3)} s (${rate} entries/s)`);
    io.stdout(`${lines.join('\n')}\n`);
    if (report.problem) {
      io.stderr(`TAMPERED: first bad seq ${report.problem.seq}: ${report.problem.message}\n`);
      return 1;
    }
    // A chain rewritten consistently from some entry on still links up: only the signed
    // daily roots (the chain itself has no key) can tell.
    if (from === undefined && to === undefined) {
      const roots = await checkRoots(db, io, values.key);
      if (roots !== 0) return roots;
    }
    io.stdout('OK: the chain is intact.\n');
    return 0;
  });
}

async function checkRoots(db: Db, io: CliIo, keyOption: string | undefined): Promise<number> {
  const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM ledger_roots');
  if ((rows[0]?.n ?? 0) === 0) {
    io.stdout('signed daily roots: none yet (the bot signs each finished day)\n');
    return 0;
  }
  const file = keyOption
    ? path.resolve(io.cwd, keyOption)
    : signingKeyLocation(io.env, io.cwd).file;
  let key: PublicSigningKey;
  try {
    key = await readPublicKeyFile(file);
  } catch (error) {
    io.stderr(
      `FAILED: cannot check the signed daily roots: ${(error as Error).message}; pass --key with the bot's public key\n`,
    );
    return 1;
  }
  const ledger = createLedger(db);
  const evidence = openEvidenceArchive({ db, key, publicUrl: publicUrlOf(io) });
  const { checked, mismatch } = await checkSignedRoots({ db, ledger, evidence, key });
  if (mismatch) {
    io.stderr(
      `TAMPERED: the ledger no longer matches the signed root of ${mismatch.day} (UTC), the first day that differs:\n${mismatch.problems.map((p) => `  - ${p}`).join('\n')}\n`,
    );
    return 1;
  }
  io.stdout(`signed daily roots: ${checked} checked with key ${key.hint}, all match\n`);
  return 0;
}

function publicUrlOf(io: CliIo): string {
  return (io.env.MC_PUBLIC_URL ?? `http://127.0.0.1:${io.env.PORT ?? 3000}`).replace(/\/+$/, '');
}

async function root(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { date: { type: 'string' }, verify: { type: 'boolean' }, key: { type: 'string' } },
  });
  if (!values.date) throw new UsageError('--date YYYY-MM-DD is required');
  const day = values.date;
  try {
    dayBounds(day);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const location = signingKeyLocation(io.env, io.cwd);
  const publicUrl = publicUrlOf(io);
  return withDb(io, async (db) => {
    const ledger = createLedger(db);
    if (values.verify) {
      const key = await readPublicKeyFile(
        values.key ? path.resolve(io.cwd, values.key) : location.file,
      );
      const evidence = openEvidenceArchive({ db, key, publicUrl });
      const result = await verifyDailyRoot({ db, ledger, evidence, key, day });
      io.stdout(
        `ledger root ${day}: ${result.computed.root} (${result.computed.count} entries, recomputed)\n`,
      );
      if (result.problems.length > 0) {
        io.stderr(`FAILED:\n${result.problems.map((p) => `  - ${p}`).join('\n')}\n`);
        return 1;
      }
      io.stdout(
        `OK: matches the stored root, signed in evidence ${result.stored?.evidenceId} by key ${key.hint}\n`,
      );
      return 0;
    }
    const key = await loadOrCreateSigningKey(location);
    const evidence = createEvidenceService({ db, ledger, key, publicUrl });
    const actor = `cli:${io.env.USER ?? io.env.LOGNAME ?? 'unknown'}`;
    const { root: computed, evidence: ev } = await recordDailyRoot({
      db,
      ledger,
      evidence,
      day,
      actor,
      now: new Date(),
    });
    const range = computed.count > 0 ? ` (seq ${computed.firstSeq}..${computed.lastSeq})` : '';
    io.stdout(
      [
        `ledger root ${day}: ${computed.root}`,
        `entries: ${computed.count}${range}`,
        `signed evidence: ${ev.url} (ledger seq ${ev.ledgerSeq})`,
        '',
      ].join('\n'),
    );
    return 0;
  });
}

/** `mc ledger verify|root`: checks the hash chain and records signed daily Merkle roots. */
export async function runLedger(argv: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = argv;
  const commands: Record<string, (args: string[], io: CliIo) => Promise<number>> = { verify, root };
  const command = sub ? commands[sub] : undefined;
  if (sub === 'help' || sub === '--help' || sub === '-h') {
    io.stdout(USAGE);
    return 0;
  }
  if (!command) {
    io.stderr(sub ? `mc ledger: unknown subcommand '${sub}'.\n${USAGE}` : USAGE);
    return 2;
  }
  try {
    return await command(rest, io);
  } catch (error) {
    const message = (error as Error).message;
    if (
      error instanceof UsageError ||
      (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
    ) {
      io.stderr(`${message}\n${USAGE}`);
      return 2;
    }
    io.stderr(`FAILED: ${message}\n`);
    return 1;
  }
}
