import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  assertEmptyOutDir,
  createEvidenceChecker,
  NoGateDecision,
  OutDirNotEmpty,
  openEvidenceArchive,
} from '../evidence/evidence-service.ts';
import { readPublicKeyFile, signingKeyLocation } from '../evidence/signing/signing-key.ts';
import type { CliIo } from './io.ts';
import { withDb } from './with-db.ts';

const USAGE = `Usage:
  mc evidence verify BUNDLE [--document FILE] [--key PEM]
  mc evidence pack --service S --version V --out DIR [--key PEM]

verify: checks a signed evidence bundle offline: the signature (against --key, or the data
directory's key when absent) and, with --document, that the document is the one signed.
pack:   exports the evidence of one release into DIR (new or empty), verifiable offline:
        the latest gate decision (manifest.json), every gate decision, run and drill of the
        release with its bundle, a contiguous ledger slice, the public key, pack.json and a
        README.md with the commands. The database is DATABASE_URL, or the embedded one under
        MC_DATA_DIR (default ./data).
Exit 0 when everything checks out, 1 when something does not, 2 on bad usage.
`;

class UsageError extends Error {}

async function readFileArg(io: CliIo, file: string, what: string): Promise<Buffer> {
  try {
    return await fs.readFile(path.resolve(io.cwd, file));
  } catch (error) {
    throw new Error(
      `cannot read ${what} ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
}

async function verify(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { document: { type: 'string' }, key: { type: 'string' } },
  });
  const [bundleFile, ...extra] = positionals;
  if (!bundleFile || extra.length > 0) {
    io.stderr(USAGE);
    return 2;
  }
  const keyFile = values.key
    ? path.resolve(io.cwd, values.key)
    : signingKeyLocation(io.env, io.cwd).file;
  const key = await readPublicKeyFile(keyFile);
  const bundleText = (await readFileArg(io, bundleFile, 'bundle')).toString('utf8');
  let bundleJson: unknown;
  try {
    bundleJson = JSON.parse(bundleText);
  } catch {
    io.stderr(`FAILED: ${bundleFile} is not JSON\n`);
    return 1;
  }
  const document = values.document ? await readFileArg(io, values.document, 'document') : undefined;
  const result = createEvidenceChecker(key).verify(bundleJson, document);
  if (!result.ok) {
    io.stderr(`FAILED: ${result.reason}\n`);
    return 1;
  }
  const { predicate, subject } = result.statement;
  io.stdout(
    [
      `OK: signature valid (ECDSA P-256 key ${result.keyHint})`,
      `subject:     ${subject[0]?.name} sha256 ${result.digest}`,
      `evidence:    ${predicate.kind} on ${predicate.subject}: ${predicate.summary}`,
      `recorded at: ${predicate.recordedAt}${predicate.ledgerSeq ? `, ledger seq ${predicate.ledgerSeq}` : ''}`,
      document
        ? `document:    ${values.document} matches the signed digest`
        : 'document:    not checked (pass --document FILE to check it)',
      '',
    ].join('\n'),
  );
  return 0;
}

async function pack(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      service: { type: 'string' },
      version: { type: 'string' },
      out: { type: 'string' },
      key: { type: 'string' },
    },
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  const missing = (['service', 'version', 'out'] as const).filter((name) => !values[name]);
  if (missing.length > 0) {
    throw new UsageError(`missing ${missing.map((name) => `--${name}`).join(', ')}`);
  }
  const { service = '', version = '', out = '' } = values;
  const outDir = path.resolve(io.cwd, out);
  await assertEmptyOutDir(outDir);
  const publicUrl = io.env.MC_PUBLIC_URL;
  const key = await readPublicKeyFile(
    values.key ? path.resolve(io.cwd, values.key) : signingKeyLocation(io.env, io.cwd).file,
  ).catch((error: Error) => {
    const from = publicUrl ? ` (download it from ${publicUrl}/evidence/keys)` : '';
    throw new Error(`${error.message}; pass --key PEM with the bot's public key${from}`);
  });
  const exported = await withDb(io, (db) =>
    openEvidenceArchive({ db, key, publicUrl }).exportPack({ service, version, outDir }),
  );
  const { index } = exported;
  const kinds = new Map<string, number>();
  for (const e of index.evidence) kinds.set(e.kind, (kinds.get(e.kind) ?? 0) + 1);
  io.stdout(
    [
      `evidence pack for ${service} ${version} written to ${exported.dir}`,
      `decision:  ${index.decision.decision} (${index.decision.headline}), evidence ${index.decision.evidenceId}, ledger seq ${index.decision.ledgerSeq}`,
      `evidence:  ${index.evidence.length} records (${[...kinds].map(([kind, n]) => `${n} ${kind}`).join(', ')})`,
      `ledger:    seq ${index.ledger.from}..${index.ledger.to} (${index.ledger.count} entries), anchor ${index.ledger.anchor}`,
      `key:       ${index.key.hint}`,
      exported.ok
        ? 'verified:  OK at export (ledger slice, evidence digests, signatures)'
        : 'verified:  FAILED at export: see ledger-verification.txt',
      `next:      cd ${out} and follow README.md to verify it offline`,
      '',
    ].join('\n'),
  );
  if (!exported.ok) {
    io.stderr(`FAILED: the pack does not verify:\n${exported.verification}`);
    return 1;
  }
  return 0;
}

const SUBCOMMANDS: Record<string, (args: string[], io: CliIo) => Promise<number>> = {
  verify,
  pack,
};

/** `mc evidence verify|pack`: checks a signed bundle offline; exports a release's evidence pack. */
export async function runEvidence(argv: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = argv;
  const command = sub && Object.hasOwn(SUBCOMMANDS, sub) ? SUBCOMMANDS[sub] : undefined;
  if (command) {
    try {
      return await command(rest, io);
    } catch (error) {
      const message = (error as Error).message;
      const badUsage =
        error instanceof UsageError ||
        ((error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') ?? false);
      if (error instanceof NoGateDecision || error instanceof OutDirNotEmpty) {
        io.stderr(`mc evidence ${sub}: ${message}\n`);
        return 1;
      }
      io.stderr(badUsage ? `${message}\n${USAGE}` : `FAILED: ${message}\n`);
      return badUsage ? 2 : 1;
    }
  }
  if (sub === 'help' || sub === '--help' || sub === '-h') {
    io.stdout(USAGE);
    return 0;
  }
  io.stderr(sub ? `mc evidence: unknown subcommand '${sub}'.\n${USAGE}` : USAGE);
  return 2;
}
