import { describe, expect, it } from 'vitest';
import { matchesLabels, parseSelector } from '../../../src/domain/deploys/label-matchers.ts';

describe('domain/deploys/label-matchers', () => {
  it('reads a catalog selector into Alertmanager matchers', () => {
    expect(
      parseSelector('{service="checkout", env=~"prod|staging", team!="x", a!~"b.*",}'),
    ).toEqual([
      { name: 'service', value: 'checkout', isRegex: false, isEqual: true },
      { name: 'env', value: 'prod|staging', isRegex: true, isEqual: true },
      { name: 'team', value: 'x', isRegex: false, isEqual: false },
      { name: 'a', value: 'b.*', isRegex: true, isEqual: false },
    ]);
    expect(parseSelector('{ msg="say \\"hi\\"" }')).toEqual([
      { name: 'msg', value: 'say "hi"', isRegex: false, isEqual: true },
    ]);
  });

  it('rejects what is not a selector', () => {
    expect(() => parseSelector('{service=checkout}')).toThrow(/cannot read the label selector/);
  });

  it.each([
    [{ service: 'checkout' }, '{service="checkout"}', true],
    [{ service: 'checkout-v2' }, '{service="checkout"}', false],
    [{ service: 'checkout-v2' }, '{service=~"checkout"}', false],
    [{ service: 'checkout-v2' }, '{service=~"checkout.*"}', true],
    [{}, '{service!="checkout"}', true],
    [{ service: 'checkout', env: 'prod' }, '{service="checkout", env!~"stag.*"}', true],
  ])('%o against %s: %s', (labels, selector, expected) => {
    expect(matchesLabels(labels, parseSelector(selector))).toBe(expected);
  });
});
