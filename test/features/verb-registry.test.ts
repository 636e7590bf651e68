import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bot } from '../../src/bot.ts';
import { registerVerbs } from '../../src/features/verb-registry.ts';
import type { CommandHandler } from '../../src/slack/commands/types.ts';
import { createOfflineBot, type OfflineBot } from '../support/offline-bot.ts';

const REPO = path.resolve(import.meta.dirname, '../..');
const answer: CommandHandler = async () => 'ok';

describe('src/features/verb-registry', () => {
  it('gives each verb the handler of the one feature that answers it', () => {
    const handlers = registerVerbs({
      features: [
        { name: 'runs', commandHandlers: { deploy: answer } },
        { name: 'gates', commandHandlers: { gate: answer } },
      ],
      specs: ['deploy', 'gate', 'help'],
    });
    expect(Object.keys(handlers).sort()).toEqual(['deploy', 'gate']);
  });

  it('refuses a verb two features claim, a spec without handler and a handler without spec, all at once', () => {
    const register = () =>
      registerVerbs({
        features: [
          { name: 'runs', commandHandlers: { status: answer, deploy: answer } },
          { name: 'sandbox', commandHandlers: { status: answer, chaos: answer } },
          { name: 'edge-copy', commandHandlers: { help: answer } },
        ],
        specs: ['status', 'deploy', 'gate', 'help'],
      });
    expect(register).toThrow(
      [
        'the /mc verbs do not add up:',
        '- verb "status" is claimed by both runs and sandbox',
        '- verb "help" is claimed by both the Slack edge and edge-copy',
        '- commands/gate.yml has no handler in any feature',
        '- sandbox answers "chaos", which has no commands/chaos.yml',
      ].join('\n'),
    );
  });
});

describe('src/bot verbs: commands/ and the handlers agree', () => {
  let bot: Bot;
  let offline: OfflineBot | undefined;
  beforeAll(async () => {
    offline = await createOfflineBot('mc-verbs-');
    bot = offline.bot;
  }, 60_000);
  afterAll(async () => {
    await offline?.stop();
  });

  it('answers exactly the verbs that have a spec in commands/', async () => {
    const specs = (await readdir(path.join(REPO, 'commands')))
      .filter((f) => f.endsWith('.yml'))
      .map((f) => f.replace(/\.yml$/, ''))
      .sort();
    expect(specs.length).toBeGreaterThan(5);
    expect(bot.verbs).toEqual(specs);
  });
});
