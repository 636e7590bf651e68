/**
 * The `mc` commands that need no database, as a user runs them (`bin/mc.js`, which runs the
 * compiled dist/ when it exists): wall time of each, best of 3, against the 1 s target.
 * `mc evidence verify` checks a real bundle signed here; `mc triage --input` replays a
 * recorded storm from test/fixtures.
 *
 *   npm run build && npm run bench -- cli
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { canonicalJson } from '../src/evidence/ledger/canonical-entry.ts';
import {
  buildStatement,
  createKeySigner,
  signStatement,
} from '../src/evidence/signing/sign-statement.ts';
import { loadOrCreateSigningKey } from '../src/evidence/signing/signing-key.ts';
import { machineLine, verdict } from './support/verdict.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const run = promisify(execFile);
const MC = path.join(root, 'bin/mc.js');
if (!existsSync(path.join(root, 'dist/cli/main.js'))) {
  console.log('note: dist/ is missing, so mc runs the sources through tsx (run `npm run build`)');
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'mc-bench-cli-'));
try {
  const key = await loadOrCreateSigningKey({ dataDir: path.join(dir, 'data') });
  const document = canonicalJson({ id: 'ev_bbbbbbbbbbbbbbbb', kind: 'drill', body: { n: 1 } });
  const digest = createHash('sha256').update(document).digest('hex');
  const statement = buildStatement('ev_bbbbbbbbbbbbbbbb', digest, {
    kind: 'drill',
    subject: 'checkout/staging',
    summary: 'bench',
    recordedAt: '2025-02-03T04:05:06.789Z',
    ledgerSeq: 1,
  });
  writeFileSync(
    path.join(dir, 'bundle.json'),
    JSON.stringify(await signStatement(createKeySigner(key), statement)),
  );
  writeFileSync(path.join(dir, 'doc.json'), document);
  writeFileSync(path.join(dir, 'key.pem'), key.publicKeyPem);
  const commands: [string, string[], string][] = [
    ['mc --help', ['--help'], root],
    ['mc validate', ['validate'], root],
    [
      'mc evidence verify',
      ['evidence', 'verify', 'bundle.json', '--document', 'doc.json', '--key', 'key.pem'],
      dir,
    ],
    ['mc playbooks test', ['playbooks', 'test'], root],
    [
      'mc triage --input',
      ['triage', '--input', path.join(root, 'test/fixtures/triage/replay-storm.json')],
      root,
    ],
  ];
  const lines = [machineLine()];
  for (const [label, args, cwd] of commands) {
    // A fresh cache dir: the first run parses the config's YAML, the next ones read the cache.
    const env = { PATH: process.env.PATH ?? '', XDG_CACHE_HOME: mkdtempSync(path.join(dir, 'c-')) };
    let best = Number.POSITIVE_INFINITY;
    let first = 0;
    for (let round = 0; round < 3; round += 1) {
      const started = performance.now();
      await run(process.execPath, [MC, ...args], { cwd, env });
      const took = performance.now() - started;
      if (round === 0) first = took;
      best = Math.min(best, took);
    }
    const cold = `first run, empty config cache: ${(first / 1000).toFixed(2)} s`;
    lines.push(`${verdict(label, best / 1000, 's', { op: '<=', value: 1 })} (${cold})`);
  }
  console.log(lines.join('\n'));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
