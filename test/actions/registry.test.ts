import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ActionError } from '../../src/actions/action-error.ts';
import { BUILTIN_ACTIONS, createBuiltinActionRegistry } from '../../src/actions/builtin-actions.ts';
import { defineAction } from '../../src/actions/define-action.ts';
import { createActionRegistry } from '../../src/actions/registry.ts';
import { renderActionCatalogMarkdown } from '../../src/actions/render-action-catalog.ts';

const registry = createBuiltinActionRegistry();
const target = { service: 'checkout', env: 'prod' };

describe('src/actions/registry', () => {
  it('holds exactly the built-in actions', () => {
    expect(registry.names()).toEqual([
      'alertmanager.silence',
      'argo.abort',
      'argo.pause',
      'argo.promote',
      'argo.resume',
      'k8s.delete-pods',
      'k8s.restart',
      'k8s.rollout-undo',
      'k8s.scale',
      'k8s.set-configmap-key',
      'k8s.set-image',
      'pagerduty.ack',
      'pagerduty.note',
    ]);
    const irreversible = registry
      .listActions()
      .filter((a) => !a.reversible)
      .map((a) => a.name);
    expect(irreversible).toEqual([
      'argo.abort',
      'argo.promote',
      'k8s.delete-pods',
      'k8s.restart',
      'pagerduty.ack',
      'pagerduty.note',
    ]);
  });

  it('names the known actions, with a suggestion, for an unknown one', () => {
    expect(() => registry.get('k8s.scal')).toThrow(ActionError);
    expect(() => registry.get('k8s.scal')).toThrow(
      /^unknown action "k8s.scal"; known: alertmanager.silence, .*\. Did you mean "k8s.scale"\?$/,
    );
    expect(registry.validateParams('k8s.scal', {})).toEqual({
      ok: false,
      errors: [expect.stringMatching(/^unknown action "k8s.scal"/)],
    });
  });

  it.each([
    ['k8s.scale', target, ['replicas: is required']],
    [
      'k8s.scale',
      { ...target, replicas: 'lots' },
      ['replicas: must be a whole number of replicas like 6, or a change like +2 or -1'],
    ],
    ['k8s.scale', { ...target, replicas: 101 }, ['replicas: must be at most 100']],
    ['k8s.scale', { ...target, replicas: -3 }, ['replicas: must be 0 or more']],
    [
      'k8s.set-image',
      { ...target, imag: 'shop/checkout:1.4.1' },
      [
        'image: is required',
        'unknown parameter "imag"; known: service, env, image, commit, commitAt. Did you mean "image"?',
      ],
    ],
    [
      'k8s.set-image',
      { ...target, image: 'Shop Checkout' },
      ['image: must be an image reference like shop/checkout:1.4.2'],
    ],
    [
      'k8s.set-image',
      { service: 'Checkout', env: 'prod', image: 'a:1' },
      ['service: must be lowercase letters, digits and dashes, starting with a letter'],
    ],
    [
      'k8s.rollout-undo',
      { ...target, toRevision: 0 },
      ['toRevision: must be a revision number of 1 or more'],
    ],
    [
      'k8s.set-configmap-key',
      { ...target, configMap: 'flags', key: 'a b', value: '1' },
      ['key: must be a ConfigMap key: letters, digits, -, _ and .'],
    ],
    [
      'pagerduty.ack',
      { incidentId: 'not an id' },
      ['incidentId: must be a PagerDuty incident id like Q1ABCDEF2GH3IJ'],
    ],
    [
      'pagerduty.note',
      { incidentId: 'Q1ABCDEF2GH3IJ', content: '  ' },
      ['content: must not be empty'],
    ],
    [
      'alertmanager.silence',
      { matchers: [{ name: 'service', value: 'checkout' }], duration: '48h', comment: 'x' },
      ['duration: must be at most 24h'],
    ],
    [
      'alertmanager.silence',
      { matchers: [{ name: 'service', value: '.*', isRegex: true }], duration: '1h', comment: 'x' },
      [
        'matchers: would silence every alert: at least one matcher must need a non-empty label value',
      ],
    ],
    [
      'alertmanager.silence',
      {
        matchers: [{ name: 'service', value: '(', isRegex: true }],
        duration: 'soon',
        comment: 'x',
      },
      [
        'matchers.0.value: is not a valid regular expression',
        'duration: must be a duration like 15m, 1h or 1h30m',
      ],
    ],
  ])('%s rejects %j with readable messages', (name, params, errors) => {
    expect(registry.validateParams(name, params)).toEqual({ ok: false, errors });
  });

  it('returns parsed params when they fit', () => {
    expect(registry.validateParams('k8s.scale', { ...target, replicas: '+2' })).toEqual({
      ok: true,
      params: { ...target, replicas: { relative: true, delta: 2 } },
    });
    expect(registry.validateParams('argo.promote', target)).toEqual({
      ok: true,
      params: { ...target, full: false },
    });
  });

  it('describes params for help and the README', () => {
    const scale = registry.listActions().find((a) => a.name === 'k8s.scale');
    expect(scale?.params).toEqual([
      {
        name: 'service',
        type: 'string',
        required: true,
        description: 'Service name from catalog.yml',
      },
      {
        name: 'env',
        type: 'string',
        required: true,
        description: 'Environment of that service, e.g. staging or prod',
      },
      {
        name: 'replicas',
        type: 'number | string',
        required: true,
        description: 'Replicas: absolute (6) or relative (+2, -1), 0 to 100',
      },
    ]);
  });

  it('matches the table in src/actions/README.md', () => {
    const readme = readFileSync(new URL('../../src/actions/README.md', import.meta.url), 'utf8');
    const table = /<!-- action-catalog:start[^>]*-->\n([\s\S]*?)\n<!-- action-catalog:end -->/.exec(
      readme,
    )?.[1];
    expect(table, 'regenerate the table with renderActionCatalogMarkdown()').toBe(
      renderActionCatalogMarkdown(),
    );
  });

  it('refuses two actions with one name, and malformed names', () => {
    expect(() => createActionRegistry([...BUILTIN_ACTIONS, BUILTIN_ACTIONS[0]!])).toThrow(
      'two actions are named k8s.set-image',
    );
    const broken = () =>
      defineAction({
        name: 'SetImage',
        summary: 's',
        params: z.object({}),
        reversible: false,
        irreversible: 'x',
        plan: async () => ({ summary: '', diff: [], intent: { before: null, after: null } }),
        apply: async () => ({ before: null, after: null }),
        reconcile: async () => ({ state: 'not_applied', detail: '' }),
        verify: async () => ({ ok: true, detail: '' }),
      });
    expect(broken).toThrow('action name "SetImage" must look like k8s.set-image');
  });
});
