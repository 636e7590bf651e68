import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bot } from '../../src/bot.ts';
import { createOfflineBot, type OfflineBot } from '../support/offline-bot.ts';

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src');

/**
 * Every button the bot answers, and the engine call that decides who may press it. A new
 * button fails this test until it is added here, with the call that authorizes it and a test
 * of it (see test/runs/one-policy.test.ts for the engine side of each).
 */
const AUTHORIZED_BY: Record<string, string> = {
  'run.confirm': 'engine.confirm (requester only, plan hash, team and channel)',
  'run.approve': 'engine.approve (approver roles, not self in protected envs, plan hash)',
  'run.reject': 'engine.reject (approver roles)',
  'run.cancel': 'engine.cancel (requester only)',
  'run.revert': 'engine.revert (a new run under the effective policy)',
  'run.resume': 'engine.resume (requester or a permitted requester, stored policy)',
  'run.verify-continue': 'engine.authorize(continue), then the requester only',
  'run.verify-rollback': 'engine.authorize(rollback), then the requester only',
  'run.canary-promote': 'engine.authorize(promote): what approving the run needs',
  'run.canary-abort': 'engine.authorize(abort): requester or approver',
  'triage.run': 'engine.request (verb triage, the playbook tightens, baseline applies)',
  'triage.dry_run': 'no change: shows the plan to the clicker only',
  'triage.others': 'no change: shows other suggestions to the clicker only',
  'triage.dismiss': 'engine.permits (acknowledges the page)',
  'gate.rerun': 'the gate requester or commands/gate.yml requesters',
  'drill.abort': 'engine.permits(drill) or engine.authorize(abort) of the fault run',
  'drill.retry-restore': 'engine.permits(drill) or engine.authorize(abort) of the fault run',
};
const SIGN_OFF = /^gate\.signoff:[a-z0-9-]+$/;

describe('src/bot buttons: every entry point goes through the engine', () => {
  let bot: Bot;
  let offline: OfflineBot | undefined;
  beforeAll(async () => {
    offline = await createOfflineBot('mc-buttons-');
    bot = offline.bot;
  }, 60_000);
  afterAll(async () => {
    await offline?.stop();
  });

  it('knows who authorizes every button the bot answers', () => {
    const unclassified = bot.buttons.filter((id) => !(id in AUTHORIZED_BY) && !SIGN_OFF.test(id));
    expect(unclassified).toEqual([]);
    // And the table lists no button that no longer exists.
    expect(Object.keys(AUTHORIZED_BY).filter((id) => !bot.buttons.includes(id))).toEqual([]);
    // Sign-off buttons are role holders only (gate-sign-offs), one per role of a gate set.
    expect(bot.buttons.filter((id) => SIGN_OFF.test(id)).length).toBeGreaterThan(0);
  });

  it('only the run engine applies or reverts an action: no other door changes a cluster', async () => {
    const offenders: string[] = [];
    async function scan(dir: string): Promise<void> {
      for (const entry of await readdir(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        const rel = path.relative(SRC, full);
        if (entry.isDirectory()) {
          // Actions define apply/revert; the sandbox emulates clusters, it acts on none.
          if (!['runs', 'actions', 'sandbox'].includes(rel)) await scan(full);
          continue;
        }
        if (!entry.name.endsWith('.ts')) continue;
        const text = await readFile(full, 'utf8');
        text.split('\n').forEach((line, i) => {
          if (/\.(apply|revert)\(/.test(line) && !/engine\.revert\(/.test(line)) {
            offenders.push(`${rel}:${i + 1}: ${line.trim()}`);
          }
        });
      }
    }
    await scan(SRC);
    expect(offenders).toEqual([]);
  });
});
