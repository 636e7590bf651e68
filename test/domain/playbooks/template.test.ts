import { describe, expect, it } from 'vitest';
import {
  renderDeep,
  renderTemplate,
  templateProblems,
} from '../../../src/domain/playbooks/template.ts';

const values: Record<string, string> = {
  service: 'checkout',
  env: 'prod',
  'labels.namespace': 'checkout',
  'deploy.from': '1.4.1',
};
const lookup = (name: string) => values[name];

describe('domain/playbooks/template', () => {
  it.each<[string, string[]]>([
    ['{{ service }}', []],
    ['{{service}}-flags in {{ env }}', []],
    ['{{ labels.namespace }} {{ annotations.runbook_url }} {{ pagerduty.id }}', []],
    ['no placeholders at all', []],
    [
      '{{ servce }}',
      [
        'unknown template variable "servce"; known: service, env, incident.id, incident.startedAt, alert.name, alert.severity, alert.fingerprint, deploy.from, deploy.to, deploy.by, deploy.at, pagerduty.id, pagerduty.number, pagerduty.url, pagerduty.title, labels.<name>, annotations.<name>. Did you mean "service"?',
      ],
    ],
    [
      '{{ labels.app-name }}',
      ['has a malformed placeholder "{{ labels.app-name }}"; write {{ variable }}'],
    ],
    ['{{ env', ['has an unclosed placeholder; write {{ variable }}']],
    ['{{ }}', ['has a malformed placeholder "{{ }}"; write {{ variable }}']],
  ])('%j: %j', (text, problems) => {
    expect(templateProblems(text)).toEqual(problems);
  });

  it('renders placeholders and lists the ones with no value', () => {
    expect(renderTemplate('{{ service }}-flags ({{ deploy.to }})', lookup)).toEqual({
      text: 'checkout-flags ()',
      missing: ['deploy.to'],
    });
  });

  it('renders every string inside params, keeping numbers, booleans and shape', () => {
    const params = {
      service: '{{ service }}',
      replicas: 3,
      matchers: [{ name: 'namespace', value: '{{ labels.namespace }}', isRegex: false }],
      note: 'rolled back to {{ deploy.from }} by {{ deploy.by }}',
    };
    expect(renderDeep(params, lookup)).toEqual({
      value: {
        service: 'checkout',
        replicas: 3,
        matchers: [{ name: 'namespace', value: 'checkout', isRegex: false }],
        note: 'rolled back to 1.4.1 by ',
      },
      missing: ['deploy.by'],
    });
  });
});
