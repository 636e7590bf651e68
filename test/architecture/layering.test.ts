import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  circles,
  importGraph,
  REPO,
  readImports,
  type SourceFile,
  topFolder,
} from './import-graph.ts';

const files = readImports();
/** Every folder right under src/. */
const FOLDERS = readdirSync(path.join(REPO, 'src'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);
const under = (folder: string) => (file: string) => file.startsWith(`src/${folder}/`);
/** The composition root and the sandbox put the Slack edge together with everything else. */
const composes = (file: string) =>
  file === 'src/bot.ts' || file === 'src/main.ts' || /^src\/(features|sandbox)\//.test(file);

/** `file imports target` lines for every import matching `bad` from files matching `from`. */
function offending(
  from: (file: string) => boolean,
  bad: (target: string, source: SourceFile) => boolean,
): string[] {
  return files
    .filter((source) => from(source.file))
    .flatMap((source) =>
      [...source.local, ...source.packages]
        .filter((target) => bad(target, source))
        .map((target) => `${source.file} imports ${target}`),
    );
}

describe('layering (docs/ARCHITECTURE.md, "Layering rules")', () => {
  it('reads the whole tree (a broken reader would pass every rule)', () => {
    expect(files.length).toBeGreaterThan(300);
    const gateService = files.find((f) => f.file === 'src/gates/gate-service.ts');
    expect(gateService?.local).toContain('src/gates/publish-gate.ts');
  });

  it('1. only the Slack edge imports @slack/bolt', () => {
    expect(
      offending(
        (f) => !under('slack')(f),
        (t) => t.startsWith('@slack/bolt'),
      ),
    ).toEqual([]);
  });

  it('2. nothing below the Slack edge imports Slack code or its rendering', () => {
    const below = (f: string) => !under('slack')(f) && !composes(f);
    expect(offending(below, (t) => t.startsWith('src/slack/'))).toEqual([]);
  });

  it('3. the domain imports only the domain, util/ and payload schemas: no config loading, store, runs or Slack', () => {
    const allowed = (t: string) =>
      t.startsWith('src/domain/') ||
      t.startsWith('src/util/') ||
      /^src\/adapters\/[a-z]+\/schema\.ts$/.test(t) ||
      !t.startsWith('src/');
    expect(offending(under('domain'), (t) => t.startsWith('src/') && !allowed(t))).toEqual([]);
    expect(offending(under('domain'), (t) => t.startsWith('src/config/'))).toEqual([]);
  });

  it('4. no import circle between the top-level folders of src/', () => {
    expect(circles(importGraph(files, topFolder))).toEqual([]);
  });

  it('5. reads every folder of src/ for rule 5 (a missing folder would go unchecked)', () => {
    expect(FOLDERS).toEqual(
      expect.arrayContaining(['domain', 'gates', 'runs', 'sandbox', 'slack', 'triage']),
    );
  });

  it.each(FOLDERS)('5. no import circle between the files of src/%s', (folder) => {
    const inside = (f: string) => (under(folder)(f) ? f : undefined);
    expect(circles(importGraph(files, inside))).toEqual([]);
  });

  it('7. evidence has one entry: outside src/evidence, code reaches it through evidence-service.ts, never its recorder, reader, pack exporter or bundle verifier', () => {
    const inner = [
      'src/evidence/record-evidence.ts',
      'src/evidence/read-evidence.ts',
      'src/evidence/pack/export-pack.ts',
      'src/evidence/signing/verify-bundle.ts',
    ];
    expect(
      offending(
        (f) => !under('evidence')(f),
        (t) => inner.includes(t),
      ),
    ).toEqual([]);
    const service = files.find((f) => f.file === 'src/evidence/evidence-service.ts');
    expect(service?.local).toEqual(expect.arrayContaining(inner));
  });

  it('8. parts are built in dependency order: no guard for a part used before it was built', () => {
    const guards = files
      .filter((f) =>
        /before it (was|is) built/i.test(readFileSync(path.join(REPO, f.file), 'utf8')),
      )
      .map((f) => f.file);
    expect(guards).toEqual([]);
    const engineOptions = readFileSync(path.join(REPO, 'src/runs/engine-core.ts'), 'utf8');
    // Observers subscribe to the built engine; its options take none.
    expect(engineOptions).not.toMatch(/^\s*observers?\??:/m);
  });
});
