import { describe, expect, it } from 'vitest';
import { Catalog } from '../../src/config/schema.ts';
import { loadRepoConfig } from '../support/slack.ts';

describe('config/schema: dora', () => {
  it('names an environment in dora.targets that the catalog does not define', async () => {
    const { catalog } = await loadRepoConfig();
    const parsed = Catalog.safeParse({
      ...catalog,
      dora: { targets: { deploymentFrequency: { prd: { perWeek: 1 } } } },
    });
    expect(parsed.success).toBe(false);
    const issue = parsed.error?.issues.find((i) => i.path.join('.').startsWith('dora'));
    expect(issue?.path).toEqual(['dora', 'targets', 'deploymentFrequency', 'prd']);
    expect(issue?.message).toContain('unknown environment "prd"');
    expect(issue?.message).toContain('Did you mean "prod"?');
  });

  it('takes the repository catalog with its targets', async () => {
    const { catalog } = await loadRepoConfig();
    expect(catalog.dora?.targets.changeFailureRate).toEqual({ max: 0.1 });
    expect(catalog.dora?.attributionWindow).toBe('24h');
  });
});
