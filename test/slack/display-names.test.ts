import { describe, expect, it } from 'vitest';
import { createDisplayNames } from '../../src/slack/display-names.ts';

/** A users.info that answers from a table, fails while `down`, and counts its calls. */
function slack(names: Record<string, string>) {
  const state = { calls: 0, down: false };
  const client = {
    users: {
      info: async ({ user }: { user: string }) => {
        state.calls += 1;
        if (state.down) throw new Error('slack down');
        const name = names[user];
        if (!name) throw new Error('user_not_found');
        return {
          ok: true,
          user: { id: user, name: name.toLowerCase(), profile: { display_name: name } },
        };
      },
    },
  } as unknown as Parameters<typeof createDisplayNames>[0];
  return { client, state };
}

describe('src/slack/display-names', () => {
  it('asks once for callers at the same time, and keeps a name for an hour', async () => {
    const { client, state } = slack({ U02CAROL03: 'Carol' });
    let now = 0;
    const names = createDisplayNames(client, () => now);
    const answers = await Promise.all([names('U02CAROL03'), names('U02CAROL03')]);
    expect(answers).toEqual(['Carol', 'Carol']);
    expect(state.calls).toBe(1);
    now = 59 * 60_000;
    expect(await names('U02CAROL03')).toBe('Carol');
    expect(state.calls).toBe(1);
    now = 61 * 60_000;
    expect(await names('U02CAROL03')).toBe('Carol');
    expect(state.calls).toBe(2);
  });

  it('a failing Slack is asked again after a minute, not at every message', async () => {
    const { client, state } = slack({ U02CAROL03: 'Carol' });
    let now = 0;
    const names = createDisplayNames(client, () => now);
    state.down = true;
    expect(await names('U02CAROL03')).toBeUndefined();
    expect(await names('U02CAROL03')).toBeUndefined();
    expect(state.calls).toBe(1);
    state.down = false;
    now = 61_000;
    expect(await names('U02CAROL03')).toBe('Carol');
    expect(state.calls).toBe(2);
  });
});
