import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// The part of Slack's app manifest schema (major version 1) this app uses.
const Manifest = z.object({
  _metadata: z.object({ major_version: z.literal(1), minor_version: z.number().int().optional() }),
  display_information: z.object({
    name: z.string().min(1).max(35),
    description: z.string().max(140).optional(),
    background_color: z
      .string()
      .regex(/^#[0-9a-fA-F]{6}$/)
      .optional(),
    long_description: z.string().min(174).max(4000).optional(),
  }),
  features: z.object({
    bot_user: z.object({ display_name: z.string().max(80), always_online: z.boolean() }),
    slash_commands: z.array(
      z.object({
        command: z.string().regex(/^\/[a-z0-9_-]+$/),
        url: z.url(),
        description: z.string().min(1).max(2000),
        usage_hint: z.string().max(1000),
        should_escape: z.boolean(),
      }),
    ),
  }),
  oauth_config: z.object({ scopes: z.object({ bot: z.array(z.string()) }) }),
  settings: z.object({
    event_subscriptions: z.object({ request_url: z.url(), bot_events: z.array(z.string()) }),
    interactivity: z.object({ is_enabled: z.boolean(), request_url: z.url() }),
    org_deploy_enabled: z.boolean(),
    socket_mode_enabled: z.boolean(),
    token_rotation_enabled: z.boolean(),
  }),
});
type Manifest = z.infer<typeof Manifest>;

let manifest: Manifest;
let verbs: string[];
beforeAll(async () => {
  manifest = Manifest.parse(parse(await readFile(path.join(REPO_ROOT, 'manifest.yml'), 'utf8')));
  const files = await readdir(path.join(REPO_ROOT, 'commands'));
  verbs = files.filter((f) => f.endsWith('.yml')).map((f) => f.replace(/\.yml$/, ''));
});

describe('manifest.yml', () => {
  it('declares exactly one slash command, /mc, unescaped', () => {
    expect(manifest.features.slash_commands.map((c) => c.command)).toEqual(['/mc']);
    expect(manifest.features.slash_commands[0]?.should_escape).toBe(false);
  });

  it('sends commands, events and interactivity to the one Bolt endpoint', () => {
    const urls = [
      manifest.features.slash_commands[0]?.url,
      manifest.settings.event_subscriptions.request_url,
      manifest.settings.interactivity.request_url,
    ];
    for (const url of urls) expect(new URL(url ?? '').pathname).toBe('/slack/events');
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.settings.socket_mode_enabled).toBe(false);
  });

  it('has a usage hint naming every verb in commands/ and nothing else', () => {
    const hint = manifest.features.slash_commands[0]?.usage_hint ?? '';
    const words = hint.match(/[a-z][a-z-]*/g) ?? [];
    expect(new Set(words)).toEqual(new Set(verbs));
    expect(words).toHaveLength(verbs.length);
  });

  it('asks for the bot scopes the bot uses, and no others', () => {
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual([
      'app_mentions:read',
      'chat:write',
      'chat:write.public',
      'commands',
      'usergroups:read',
      'users:read',
    ]);
    expect(manifest.settings.event_subscriptions.bot_events).toEqual(['app_mention']);
  });

  it('names the bot user mc', () => {
    expect(manifest.features.bot_user).toEqual({ display_name: 'mc', always_online: true });
  });
});
