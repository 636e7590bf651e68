import { describe, expect, it } from 'vitest';
import { resolveTarget } from '../../src/actions/resolve-target.ts';
import { catalog, PROD, prodRef } from './world.ts';

describe('src/actions/resolve-target', () => {
  it('resolves a catalog service/env to its workload and container', () => {
    expect(resolveTarget(catalog, 'checkout', 'prod')).toEqual({
      service: 'checkout',
      env: 'prod',
      label: 'checkout/prod',
      workload: prodRef,
      container: 'app',
    });
    expect(resolveTarget(catalog, 'checkout', 'prod').workload.context).toBe(PROD);
  });

  it.each([
    ['chekout', 'prod', 'unknown service "chekout"; known: checkout. Did you mean "checkout"?'],
    [
      'checkout',
      'prd',
      '`checkout` has no environment `prd`. Known: staging, prod. Did you mean `prod`?',
    ],
    ['checkout', 'toString', '`checkout` has no environment `toString`. Known: staging, prod.'],
  ])('refuses %s/%s', (service, env, message) => {
    expect(() => resolveTarget(catalog, service, env)).toThrow(message);
  });
});
