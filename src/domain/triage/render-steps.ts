import { isoInstant } from '../../util/iso-instant.ts';
import type { Confirm, Evidence, TriagePlaybook } from '../playbooks/schema.ts';
import { type Lookup, renderDeep, renderTemplate } from '../playbooks/template.ts';
import { matchPlaybook } from './match-playbook.ts';
import type { Incident, Signal } from './schema.ts';
import { suspectChange } from './suspect-change.ts';

export interface RenderedStep {
  action: string;
  params: Record<string, unknown>;
  description?: string;
}

/** A playbook made concrete for one incident: what would run, and what to look at. */
export interface RenderedPlaybook {
  playbook: string;
  notifyOnly: boolean;
  steps: RenderedStep[];
  /** Optional steps left out because a variable they use has no value here. */
  skipped: { action: string; missing: string[] }[];
  /** Variables required steps need but the incident lacks: the plan cannot run while non-empty. */
  missing: string[];
  confirm?: Confirm;
  evidence: Evidence[];
}

const isActive = (s: Signal) => s.status === 'firing' || s.status === 'acknowledged';

/** Moments as notes and step texts write them: one ISO form, UTC to the second. */
const instant = (at: string | undefined) => (at ? isoInstant(new Date(at)) : undefined);

/**
 * Where template variables come from: the incident (service, env, id), the signal the
 * playbook matched first (its labels and annotations; else the first active alert), the
 * deploy it matched (else the latest before the first signal), and the PagerDuty incident.
 */
export function incidentLookup(incident: Incident, playbook?: TriagePlaybook): Lookup {
  const active = incident.signals.filter(isActive);
  const pool = active.length > 0 ? active : incident.signals;
  const context = { deploys: incident.deploys, firstSignalAt: incident.firstSignalAt };
  const matched = playbook ? matchPlaybook(playbook, pool, context) : undefined;
  const alert =
    (matched?.signal?.source === 'alertmanager' ? matched.signal : undefined) ??
    pool.find((s) => s.source === 'alertmanager') ??
    matched?.signal ??
    pool[0];
  // Only a suspect change fills deploy.*: a rollback's versions would undo the rollback.
  const deploy =
    matched?.deploy ?? suspectChange(incident.deploys, incident.firstSignalAt, 24 * 60).suspect;
  // Only an active PagerDuty incident takes notes: a resolved one is never annotated.
  const pd = pool.find((s) => s.pagerduty && isActive(s));
  const values: Record<string, string | undefined> = {
    service: incident.service,
    env: incident.env,
    'incident.id': incident.id,
    'incident.startedAt': instant(incident.firstSignalAt),
    'alert.name': alert?.labels.alertname ?? alert?.name,
    'alert.severity': alert?.severity,
    'alert.fingerprint': alert?.source === 'alertmanager' ? alert.id : undefined,
    'deploy.from': deploy?.deploy?.from,
    'deploy.to': deploy?.deploy?.to,
    // A name, not a Slack id: notes are read in PagerDuty, where `U02CAROL03` names nobody.
    'deploy.by': deploy?.deploy?.byName ?? deploy?.deploy?.by,
    'deploy.at': instant(deploy?.at),
    'pagerduty.id': pd?.pagerduty?.id,
    'pagerduty.number': pd?.pagerduty ? String(pd.pagerduty.number) : undefined,
    'pagerduty.url': pd?.pagerduty?.url,
    'pagerduty.title': pd?.title,
  };
  return (name) => {
    if (name.startsWith('labels.')) return alert?.labels[name.slice('labels.'.length)];
    if (name.startsWith('annotations.'))
      return alert?.annotations[name.slice('annotations.'.length)];
    return values[name];
  };
}

/**
 * Fills a playbook's steps, confirmation query and evidence from an incident. Optional steps
 * whose variables are missing are skipped; a required step's missing variables are listed in
 * `missing` (the run engine must refuse such a plan).
 */
export function renderSteps(playbook: TriagePlaybook, incident: Incident): RenderedPlaybook {
  const lookup = incidentLookup(incident, playbook);
  const rendered: RenderedPlaybook = {
    playbook: playbook.id,
    notifyOnly: playbook.notifyOnly,
    steps: [],
    skipped: [],
    missing: [],
    evidence: [],
  };
  for (const step of playbook.steps) {
    const { value, missing } = renderDeep(step.params, lookup);
    if (missing.length > 0 && step.optional) {
      rendered.skipped.push({ action: step.action, missing });
      continue;
    }
    rendered.missing.push(...missing.filter((m) => !rendered.missing.includes(m)));
    const out: RenderedStep = { action: step.action, params: value as Record<string, unknown> };
    if (step.description) out.description = renderTemplate(step.description, lookup).text;
    rendered.steps.push(out);
  }
  if (playbook.confirm) {
    rendered.confirm = {
      ...playbook.confirm,
      query: renderTemplate(playbook.confirm.query, lookup).text,
    };
  }
  rendered.evidence = playbook.evidence.map((e) => renderDeep(e, lookup).value as Evidence);
  return rendered;
}
