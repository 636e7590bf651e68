import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { checkLedgerSlice } from '../evidence/pack/check-ledger-slice.ts';
import type { EvidenceFile } from '../evidence/pack/ledger-slice.ts';
import { PackIndex, type PackLedger } from '../evidence/pack/schema.ts';
import type { CliIo } from './io.ts';

const EVIDENCE_FILE = /^(ev_[a-z2-7]{16})\.json$/;

async function readText(file: string, what: string): Promise<string> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (error) {
    throw new Error(
      `cannot read ${what} ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
}

/** The ledger part of a pack.json next to the slice, when there is one and it names the slice. */
async function siblingPackLedger(file: string): Promise<PackLedger | null> {
  const packFile = path.join(path.dirname(file), 'pack.json');
  let text: string;
  try {
    text = await fs.readFile(packFile, 'utf8');
  } catch {
    return null;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${packFile} is not JSON; move it away or pass --anchor`);
  }
  const parsed = PackIndex.pick({ ledger: true }).safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `${packFile} is not an evidence pack index (${issue?.path.join('.')}: ${issue?.message}); move it away or pass --anchor`,
    );
  }
  return parsed.data.ledger.file === path.basename(file) ? parsed.data.ledger : null;
}

async function evidenceFiles(dir: string): Promise<EvidenceFile[]> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch (error) {
    throw new Error(`cannot read --evidence ${dir}: ${(error as NodeJS.ErrnoException).code}`);
  }
  const files: EvidenceFile[] = [];
  for (const name of names.sort()) {
    const id = EVIDENCE_FILE.exec(name)?.[1];
    if (!id) continue;
    const bytes = await fs.readFile(path.join(dir, name));
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    files.push({ id, file: path.join(path.basename(dir), name), sha256 });
  }
  if (files.length === 0) throw new Error(`--evidence ${dir} holds no ev_<id>.json documents`);
  return files;
}

/**
 * `mc ledger verify --file`: checks an exported slice with no database. The anchor is
 * `--anchor`, else the one in a pack.json next to the file (which also fixes where the slice
 * must end and its last hash); with neither, the first link is reported as unchecked.
 */
export async function verifyLedgerFile(
  options: { file: string; anchor?: string; evidence?: string },
  io: CliIo,
): Promise<number> {
  const file = path.resolve(io.cwd, options.file);
  const text = await readText(file, 'ledger file');
  const pack = await siblingPackLedger(file);
  const anchor = options.anchor
    ? { hash: options.anchor, source: '--anchor' }
    : pack
      ? { hash: pack.anchor, source: 'pack.json' }
      : null;
  const check = checkLedgerSlice({
    name: path.basename(file),
    text,
    anchor,
    ...(pack ? { range: { from: pack.from, to: pack.to, lastHash: pack.lastHash } } : {}),
    ...(options.evidence
      ? { evidence: await evidenceFiles(path.resolve(io.cwd, options.evidence)) }
      : {}),
  });
  if (check.lines.length > 0) io.stdout(`${check.lines.join('\n')}\n`);
  if (check.failure) {
    io.stderr(`${check.failure}\n`);
    return 1;
  }
  return 0;
}
