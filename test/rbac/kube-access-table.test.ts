import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderKubeAccessMarkdown } from '../../src/actions/render-kube-access.ts';

describe('actions/render-kube-access', () => {
  it('matches the Kubernetes access table in src/actions/README.md', () => {
    const readme = readFileSync(new URL('../../src/actions/README.md', import.meta.url), 'utf8');
    const table = /<!-- kube-access:start[^>]*-->\n([\s\S]*?)\n<!-- kube-access:end -->/.exec(
      readme,
    )?.[1];
    expect(table, 'regenerate the table with renderKubeAccessMarkdown()').toBe(
      renderKubeAccessMarkdown(),
    );
  });

  it('names each rule as kubectl would, with its verbs and whether it is limited to the workload', () => {
    const row = renderKubeAccessMarkdown([
      {
        name: 'k8s.scale',
        kube: {
          Deployment: [
            { apiGroup: 'apps', resource: 'deployments/scale', verbs: ['patch'], workload: true },
            { apiGroup: '', resource: 'pods', verbs: ['list'] },
          ],
        },
      },
    ])
      .split('\n')
      .at(-1);
    expect(row).toBe(
      '| `k8s.scale` | Deployment | patch `deployments.apps/scale` (the catalog workload)<br>list `pods` |',
    );
  });
});
