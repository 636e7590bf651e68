import type { Catalog } from '../catalog/schema.ts';
import { type ReportIncident, replayTriage } from '../triage/replay.ts';
import type { TestFile } from './check-playbooks.ts';
import type { Playbook, PlaybookTestCase } from './schema.ts';

export interface CaseResult {
  file: string;
  name: string;
  passed: boolean;
  /** `top: pod-crashloop` or `none`. */
  expected: string;
  /** What the replay suggested, one line per incident looked at. */
  actual: string[];
}

function rankingLine(incident: ReportIncident): string {
  const target = incident.service ? `${incident.service}/${incident.env}` : '(unknown service)';
  const suggested = incident.suggestions.map((s) => `${s.playbook} ${s.score}`).join(', ');
  const others = incident.candidates
    .filter((c) => !incident.suggestions.some((s) => s.playbook === c.playbook))
    .map((c) => `${c.playbook} ${c.score}${c.eligible ? '' : ' (not eligible)'}`);
  return `${incident.id} ${target}: ${suggested || 'no suggestion'}${incident.note ? ` (${incident.note})` : ''}${others.length ? `; other candidates: ${others.join(', ')}` : ''}`;
}

/** Runs one case: replay its input, look at the chosen incidents, compare the best suggestion. */
export function runPlaybookCase(
  file: string,
  testCase: PlaybookTestCase,
  options: { catalog: Catalog; playbooks: Playbook[] },
): CaseResult {
  const report = replayTriage(testCase.input, options);
  const chosen = report.incidents.filter(
    (i) =>
      (!testCase.service || i.service === testCase.service) &&
      (!testCase.env || i.env === testCase.env),
  );
  const best = chosen
    .flatMap((i) => i.suggestions.slice(0, 1))
    .sort((a, b) => b.score - a.score)[0];
  const expected = testCase.expect.top ? `top: ${testCase.expect.top}` : 'none';
  const passed = testCase.expect.top ? best?.playbook === testCase.expect.top : best === undefined;
  const actual = chosen.length > 0 ? chosen.map(rankingLine) : ['no incident'];
  if (report.ignored.length > 0 && chosen.length === 0) {
    actual.push(...report.ignored.map((s) => `ignored ${s.name}: ${s.reason}`));
  }
  return { file, name: testCase.name, passed, expected, actual };
}

/** Runs every case of every test file, like `promtool test rules`. */
export function runPlaybookTests(
  files: TestFile[],
  options: { catalog: Catalog; playbooks: Playbook[] },
): CaseResult[] {
  return files.flatMap((f) => f.cases.map((c) => runPlaybookCase(f.file, c, options)));
}
