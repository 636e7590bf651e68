import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { readPublicKeyFile, signingKeyLocation } from '../evidence/signing/signing-key.ts';
import { verifyEvidenceBundle } from '../evidence/signing/verify-bundle.ts';
import type { CliIo } from './io.ts';

const USAGE = `Usage: mc evidence verify BUNDLE [--document FILE] [--key PEM]

Verifies a signed evidence bundle offline: the signature (against --key, or the data
directory's key when absent) and, with --document, that the document is the one signed.
Exit 0 when everything checks out, 1 when something does not, 2 on bad usage.
`;

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
  const result = verifyEvidenceBundle(bundleJson, { key, ...(document ? { document } : {}) });
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

/** `mc evidence verify`: checks a signed evidence bundle offline. */
export async function runEvidence(argv: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'verify') {
    try {
      return await verify(rest, io);
    } catch (error) {
      const message = (error as Error).message;
      const badUsage = (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') ?? false;
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
