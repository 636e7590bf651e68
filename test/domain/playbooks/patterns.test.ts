import { describe, expect, it } from 'vitest';
import {
  compileLabelMatcher,
  compileNamePattern,
  compileRegex,
  type LabelCondition,
} from '../../../src/domain/playbooks/patterns.ts';

describe('domain/playbooks/patterns: alert names', () => {
  it.each<[string, string, boolean]>([
    ['KubePodCrashLooping', 'KubePodCrashLooping', true],
    ['KubePodCrashLooping', 'KubePodCrashLoopingX', false],
    ['Kube*', 'KubePodCrashLooping', true],
    ['Kube*', 'NodeKubeletDown', false],
    ['*OOMKill*', 'KubeContainerOOMKilled', true],
    ['*OOMKill*', 'KubePodOOMKilled', true],
    ['Postgres*Connections*', 'PostgreSQLTooManyConnections', false],
    ['Postgre*Connections*', 'PostgreSQLTooManyConnections', true],
    ['Postgre*Connections*', 'PostgresqlHighConnections', true],
    ['KubeHpa??xedOut', 'KubeHpaMaxedOut', true],
    ['/^KubePod.*$/', 'KubePodNotReady', true],
    ['/^KubePod.*$/', 'KubeDeploymentReplicasMismatch', false],
    ['/OOMKill/', 'KubernetesContainerOOMKilled', true],
    ['/oomkill/i', 'KubernetesContainerOomKiller', true],
    ['/(?i)slo.*burn/', 'CheckoutSLOBurnRate', true],
  ])('%s against %s: %s', (pattern, name, matches) => {
    const compiled = compileNamePattern(pattern);
    if (!compiled.ok) throw new Error(compiled.message);
    expect(compiled.value.test(name)).toBe(matches);
  });

  it.each<[string, string]>([
    [
      'KubePod.*',
      'is not a glob (letters, digits, _, :, * and ? only); write a regex between slashes like /KubePod.*/ or the glob KubePod*',
    ],
    [
      'Kube Pod',
      'is not a glob (letters, digits, _, :, * and ? only); write a regex between slashes like /Kube Pod/ or the glob KubePod',
    ],
    ['/KubePod(/', 'is not a valid regular expression: unterminated group'],
    ['//', 'is an empty regular expression'],
    ['', 'must not be empty'],
  ])('refuses %j: %s', (pattern, message) => {
    expect(compileNamePattern(pattern)).toEqual({ ok: false, message });
  });
});

describe('domain/playbooks/patterns: regexes and label matchers', () => {
  it.each<[string, string, boolean]>([
    ['(?i)5\\d\\d|error rate', 'Checkout returns 502 to EU', true],
    ['(?i)5\\d\\d|error rate', 'High ERROR RATE on checkout', true],
    ['5\\d\\d', 'slow since 09:00', false],
    ['error rate', 'ERROR RATE', false],
  ])('searches %s in %j: %s', (source, text, matches) => {
    const re = compileRegex(source);
    if (!re.ok) throw new Error(re.message);
    expect(re.value.test(text)).toBe(matches);
  });

  it.each<[LabelCondition, Record<string, string>, boolean]>([
    [{ name: 'severity', op: '=', value: 'critical' }, { severity: 'critical' }, true],
    [{ name: 'severity', op: '!=', value: 'critical' }, { severity: 'critical' }, false],
    [{ name: 'severity', op: '!=', value: 'critical' }, {}, true],
    // Anchored like Prometheus: `5..` is all of the value, not part of it.
    [{ name: 'code', op: '=~', value: '5..' }, { code: '503' }, true],
    [{ name: 'code', op: '=~', value: '5..' }, { code: '1503' }, false],
    [{ name: 'code', op: '!~', value: '5..' }, { code: '200' }, true],
    [{ name: 'slo', op: '=~', value: '(?i).*latency.*' }, { slo: 'checkout-LATENCY' }, true],
    [
      { name: ['slo', 'sloth_slo'], op: '=~', value: '.*latency.*' },
      { sloth_slo: 'requests-latency' },
      true,
    ],
    [
      { name: ['slo', 'sloth_slo'], op: '=~', value: '.*latency.*' },
      { slo: 'availability' },
      false,
    ],
    [
      { name: ['slo', 'sloth_slo'], op: '!~', value: '.*latency.*' },
      { slo: 'availability', sloth_slo: 'latency' },
      false,
    ],
  ])('%j on %j: %s', (condition, labels, matches) => {
    const compiled = compileLabelMatcher(condition);
    if (!compiled.ok) throw new Error(compiled.message);
    expect(compiled.value(labels)).toBe(matches);
  });

  it('refuses a label regex that does not compile', () => {
    expect(compileLabelMatcher({ name: 'slo', op: '=~', value: '(latency' })).toEqual({
      ok: false,
      message: 'is not a valid regular expression: unterminated group',
    });
  });
});
