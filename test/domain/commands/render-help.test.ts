import { beforeAll, describe, expect, it } from 'vitest';
import { type ParseContext, renderHelp } from '../../../src/domain/commands/index.ts';
import { repoContext } from './repo-context.ts';

let ctx: ParseContext;
beforeAll(async () => {
  ctx = await repoContext();
});

describe('domain/commands/render-help', () => {
  it('lists every verb with its summary', () => {
    const text = renderHelp(ctx.commands);
    for (const spec of ctx.commands.values()) {
      expect(text).toMatch(new RegExp(`^\`${spec.verb}\` +${escapeRegExp(spec.summary)}$`, 'm'));
    }
    expect(text).toContain('Type `/mc help <command>`');
  });

  it('explains one verb: usage, arguments, flags with defaults, examples', () => {
    const text = renderHelp(ctx.commands, 'rollback', ctx.catalog);
    expect(text.split('\n')).toEqual(
      expect.arrayContaining([
        '`/mc rollback`: Roll a service back to its previous (or a given) revision',
        'Usage: `/mc rollback <service> [--env ENV] [--to REVISION] [--reason TEXT] [--dry-run]`',
        '  `<service>`  The service to roll back, as named in catalog.yml.',
        '  `--env ENV`  Where to roll back. (default: staging)',
        '  `--dry-run`  Show the plan only; nothing can be confirmed. (default: false)',
        '  `/mc rollback checkout --env prod --reason p99 latency doubled after v1.4.2`',
      ]),
    );
  });

  it('includes subcommands and enum values', () => {
    expect(renderHelp(ctx.commands, 'drill')).toContain(
      'Usage: `/mc drill report [service] [--since DURATION]`',
    );
    expect(renderHelp(ctx.commands, 'status')).toContain(
      '`--show VIEW`  What to show. (one of: summary, slo, pods, revisions, runs; default: summary)',
    );
  });

  it('answers an unknown verb with the closest one and the list', () => {
    const text = renderHelp(ctx.commands, 'rolback');
    expect(text.split('\n')[0]).toBe('Unknown command `rolback`. Did you mean `rollback`?');
    expect(text).toContain('`deploy`');
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
