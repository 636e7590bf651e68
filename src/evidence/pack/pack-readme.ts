import type { PackIndex } from './schema.ts';

/**
 * README.md of a pack: what each file is, why each record was chosen, and the exact commands
 * that verify the pack offline. Written for an auditor who has `mc` and nothing else.
 */
export function packReadme(index: PackIndex, options: { publicUrl?: string } = {}): string {
  const { service, version, ledger, selection } = index;
  const code = (lines: string[]) => ['```sh', ...lines, '```'].join('\n');
  const evidenceCommands = index.evidence.map(
    (e) => `mc evidence verify ${e.bundleFile} --document ${e.file} --key key.pem`,
  );
  const rows = index.evidence.map(
    (e) =>
      `| \`${e.id}\` | ${e.kind} | ${e.subject} | ${e.ledgerSeq} | ${e.why.join('; ').replaceAll('|', '\\|')} |`,
  );
  const previous = selection.previousDecision
    ? `after the previous release decision of ${service} (${selection.previousDecision.subject}, evidence ${selection.previousDecision.id}, seq ${selection.previousDecision.ledgerSeq})`
    : `from 30 days before the first decision for ${version} (no earlier release decision of ${service})`;
  const next = selection.nextDecision
    ? `up to the next release decision (${selection.nextDecision.subject}, seq ${selection.nextDecision.ledgerSeq}), excluded`
    : 'up to the ledger head at export';
  const keyUrl = options.publicUrl
    ? `${options.publicUrl.replace(/\/+$/, '')}/evidence/keys`
    : null;
  return `# Evidence pack: ${service} ${version}

Exported by \`mc evidence pack\` at ${index.createdAt}. Decision: **${index.decision.decision}**
(${index.decision.headline}), evidence \`${index.decision.evidenceId}\`, ledger seq ${index.decision.ledgerSeq}.

## Files

| File | What it is |
| --- | --- |
| \`manifest.json\` | The latest \`gate.decision\` evidence document for release:${service}:${version}, byte for byte as signed (RFC 8785 JSON; its \`body\` is the GateManifest). |
| \`manifest.sigstore.json\` | Its sigstore bundle: a DSSE envelope over an in-toto statement naming the document's sha256. |
| \`evidence/<id>.json\` | Every evidence document of the release (the manifest again among them), byte for byte as signed. |
| \`evidence/<id>.sigstore.json\` | The bundle of each. |
| \`ledger.jsonl\` | A contiguous slice of the hash-chained ledger, seq ${ledger.from}..${ledger.to} (${ledger.count} entries), one entry per line. |
| \`ledger-verification.txt\` | What verifying that slice (and every bundle) said at export time. |
| \`key.pem\` | The bot's public signing key (ECDSA P-256, SPKI PEM), hint \`${index.key.hint}\`. |
| \`pack.json\` | The index: release, decision, ledger range and anchor, each record and why it is here, each file's sha256. |

## What is in it

- The release's gate decisions (every GO / NO-GO recorded for ${service} ${version}).
- The runs that deployed ${version} or rolled it back, found through the deploy log, and the runs
  each manifest lists as changes.
- Every other run of ${service} in the release window: ledger seq ${selection.window.fromSeq}..${selection.window.toSeq},
  ${previous}, ${next}. (A run's evidence is recorded when it finishes.)
- The drills of ${service} (any environment) recorded in that window, and the drills the manifests
  cite as \`drillEvidence\` whenever they ran.

| Evidence | Kind | Subject | Ledger seq | Why |
| --- | --- | --- | --- | --- |
${rows.join('\n')}

The ledger slice starts at the earliest entry about any of these (evidence, run, deploy and gate
entries) and runs to the ledger head at export, without a gap, so every hash and link can be checked.
Its first entry links to the anchor \`${ledger.anchor}\` (the stored hash of seq ${ledger.from - 1}${ledger.from === 1 ? ', the genesis value' : ''});
its last hash is \`${ledger.lastHash}\`.

## Verify it offline

From this directory, with \`mc\` installed (no database, no network):

${code([
  'mc evidence verify manifest.sigstore.json --document manifest.json --key key.pem',
  ...evidenceCommands,
  'mc ledger verify --file ledger.jsonl',
  'mc ledger verify --file ledger.jsonl --evidence evidence',
])}

- \`mc evidence verify\` checks each signature with \`key.pem\` and that the document's sha256 is
  the signed digest.
- \`mc ledger verify --file\` recomputes every entry's hash (sha256 of the RFC 8785 JSON of
  \`{actor, at, data, kind, prevHash, seq, subject}\`), checks each link, that the first entry links
  to the anchor in \`pack.json\` and that the slice ends at seq ${ledger.to} with the recorded last hash;
  it names the first bad seq. \`--anchor HASH\` overrides the anchor.
- \`--evidence evidence\` also checks that each \`evidence/<id>.json\`'s sha256 is the \`digest\` of an
  \`evidence.recorded\` entry of the slice whose \`data.id\` is that id. By hand:

${code([
  'sha256sum evidence/<id>.json',
  `grep '"kind":"evidence.recorded"' ledger.jsonl | grep '"id":"<id>"'   # data.digest must be that sha256`,
  `jq -r '.files[] | "\\(.sha256)  \\(.path)"' pack.json | sha256sum -c   # every file as exported`,
])}

To tie the slice to the live ledger, compare its last hash with \`mc ledger verify\` run against the
bot's database, or with a later pack: the chain only grows, so seq ${ledger.to} keeps that hash forever.
${keyUrl ? `\nCompare \`key.pem\` with the key the bot publishes: \`curl ${keyUrl}\`.\n` : ''}`;
}
