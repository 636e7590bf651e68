import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Queryable } from '../../store/db.ts';
import { GENESIS_PREV_HASH } from '../ledger/canonical-entry.ts';
import { fetchHash, pagesOfRows } from '../ledger/ledger-rows.ts';
import type { PublicSigningKey } from '../signing/signing-key.ts';
import { verifyEvidenceBundle } from '../signing/verify-bundle.ts';
import { checkLedgerSlice } from './check-ledger-slice.ts';
import { sliceLine } from './ledger-slice.ts';
import { packReadme } from './pack-readme.ts';
import { PACK_FORMAT, type PackIndex } from './schema.ts';
import { type ReleaseSelection, selectReleaseEvidence } from './select-release-evidence.ts';

export { NoGateDecision } from './select-release-evidence.ts';

/** The output directory exists and holds something: a pack never overwrites. */
export class OutDirNotEmpty extends Error {}

export interface ExportPackOptions {
  db: Queryable;
  /** The bot's public key: written as key.pem and used to check every bundle at export. */
  key: PublicSigningKey;
  service: string;
  version: string;
  outDir: string;
  clock?: () => Date;
  /** Where the bot publishes its key, named in the README. */
  publicUrl?: string;
}

export interface ExportedPack {
  dir: string;
  index: PackIndex;
  /** The slice, every bundle and every digest checked out at export time. */
  ok: boolean;
  /** ledger-verification.txt, as written. */
  verification: string;
}

const sha256 = (bytes: string | Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Throws OutDirNotEmpty when `dir` is a file or a directory with anything in it. */
export async function assertEmptyOutDir(dir: string): Promise<void> {
  let entries: string[];
  try {
    entries = await fs.readdir(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return;
    if (code === 'ENOTDIR') throw new OutDirNotEmpty(`${dir} is a file; give a new directory`);
    throw error;
  }
  if (entries.length > 0) {
    throw new OutDirNotEmpty(
      `${dir} is not empty (${entries.length} entries); a pack is only written into a new or empty directory`,
    );
  }
}

async function readSlice(db: Queryable, selection: ReleaseSelection) {
  const from = selection.firstSeq;
  const lines: string[] = [];
  let lastHash = GENESIS_PREV_HASH;
  let firstPrev: string | undefined;
  for await (const rows of pagesOfRows(db, from, selection.head.seq, 5_000)) {
    for (const row of rows) {
      firstPrev ??= row.prevHash;
      lines.push(sliceLine(row));
      lastHash = row.hash;
    }
  }
  const stored = from === 1 ? GENESIS_PREV_HASH : await fetchHash(db, from - 1);
  const anchor = stored ?? firstPrev ?? GENESIS_PREV_HASH;
  const text = lines.map((line) => `${line}\n`).join('');
  return { text, count: lines.length, anchor, lastHash };
}

function bundleProblems(selection: ReleaseSelection, key: PublicSigningKey): string[] {
  return selection.evidence.flatMap((e) => {
    let json: unknown;
    try {
      json = JSON.parse(e.bundle);
    } catch {
      return [`evidence/${e.id}.sigstore.json: not JSON`];
    }
    const check = verifyEvidenceBundle(json, { key, document: Buffer.from(e.document) });
    return check.ok ? [] : [`evidence/${e.id}.sigstore.json: ${check.reason}`];
  });
}

/**
 * Exports the evidence pack of one release into `outDir` (new or empty): the latest gate
 * decision as manifest.json, every evidence record of the release with its bundle, a
 * contiguous ledger slice to the head with its anchor, the public key, an index and a README.
 * Everything is checked as it is written; the verdict is returned and written down, so a
 * broken ledger still yields a pack that shows where.
 */
export async function exportEvidencePack(options: ExportPackOptions): Promise<ExportedPack> {
  const { db, key, service, version } = options;
  const dir = path.resolve(options.outDir);
  await assertEmptyOutDir(dir);
  const selection = await selectReleaseEvidence(db, service, version);
  const slice = await readSlice(db, selection);
  const files = new Map<string, string>();
  files.set('manifest.json', selection.manifest.document);
  files.set('manifest.sigstore.json', selection.manifest.bundle);
  for (const e of selection.evidence) {
    files.set(`evidence/${e.id}.json`, e.document);
    files.set(`evidence/${e.id}.sigstore.json`, e.bundle);
  }
  files.set('ledger.jsonl', slice.text);
  files.set('key.pem', key.publicKeyPem);

  const ledger = {
    file: 'ledger.jsonl',
    from: selection.firstSeq,
    to: selection.head.seq,
    count: slice.count,
    anchor: slice.anchor,
    lastHash: slice.lastHash,
  };
  const check = checkLedgerSlice({
    name: 'ledger.jsonl',
    text: slice.text,
    anchor: { hash: slice.anchor, source: 'the database' },
    range: { from: ledger.from, to: ledger.to, lastHash: selection.head.hash },
    evidence: selection.evidence.map((e) => ({
      id: e.id,
      file: `evidence/${e.id}.json`,
      sha256: sha256(e.document),
    })),
  });
  const signatures = bundleProblems(selection, key);
  const createdAt = (options.clock ?? (() => new Date()))().toISOString();
  const verification = [
    `Verified by mc evidence pack at ${createdAt}, against the database, as \`mc ledger verify --file ledger.jsonl --evidence evidence\` does offline:`,
    '',
    ...check.lines,
    ...(check.failure ? [check.failure] : []),
    '',
    signatures.length === 0
      ? `bundles: all ${selection.evidence.length} signatures valid with key ${key.hint}, each over its document's sha256`
      : `bundles FAILED:\n${signatures.map((p) => `  - ${p}`).join('\n')}`,
    '',
  ].join('\n');
  files.set('ledger-verification.txt', verification);

  const manifestBody = (
    JSON.parse(selection.manifest.document) as { body?: Record<string, unknown> }
  ).body;
  const index: PackIndex = {
    format: PACK_FORMAT,
    service,
    version,
    createdAt,
    decision: {
      evidenceId: selection.manifest.id,
      decision: String(manifestBody?.decision ?? 'unknown'),
      headline: String(manifestBody?.headline ?? selection.manifest.summary),
      ledgerSeq: selection.manifest.ledgerSeq,
    },
    key: { file: 'key.pem', hint: key.hint },
    ledger,
    selection: {
      previousDecision: selection.previousDecision,
      nextDecision: selection.nextDecision,
      window: selection.window,
    },
    evidence: selection.evidence.map(({ document: _d, bundle: _b, ...e }) => ({
      ...e,
      file: `evidence/${e.id}.json`,
      bundleFile: `evidence/${e.id}.sigstore.json`,
    })),
    files: [],
  };
  files.set(
    'README.md',
    packReadme(index, options.publicUrl ? { publicUrl: options.publicUrl } : {}),
  );
  index.files = [...files.entries()]
    .map(([file, text]) => ({ path: file, sha256: sha256(text), bytes: Buffer.byteLength(text) }))
    .sort((a, b) => a.path.localeCompare(b.path));
  files.set('pack.json', `${JSON.stringify(index, null, 2)}\n`);

  await writeAtomically(dir, files);
  return { dir, index, ok: check.ok && signatures.length === 0, verification };
}

/** Writes every file into a sibling staging directory, then renames it into place. */
async function writeAtomically(dir: string, files: Map<string, string>): Promise<void> {
  const staging = `${dir}.partial-${randomBytes(4).toString('hex')}`;
  await fs.mkdir(path.join(staging, 'evidence'), { recursive: true });
  try {
    for (const [file, text] of files) await fs.writeFile(path.join(staging, file), text);
    await assertEmptyOutDir(dir);
    // An empty directory given as the target is replaced; rmdir refuses anything else.
    await fs.rmdir(dir).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
    await fs.rename(staging, dir);
  } catch (error) {
    await fs.rm(staging, { recursive: true, force: true });
    throw error;
  }
}
