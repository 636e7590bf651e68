import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleEmulatorRequest } from './emulator-handler.ts';
import { createEmulatorState, resetEmulatorState, waitForState } from './emulator-state.ts';
import type {
  EmulatedEphemeral,
  EmulatedMessage,
  EmulatorIdentity,
  Fault,
  RecordedCall,
  ResponseUrlPost,
  SeedChannel,
  SeedUser,
} from './emulator-types.ts';
import { type EmulatedFile, uploadedFiles } from './file-uploads.ts';
import { attachSocketModeServer, type SocketModeServer } from './socket-mode-server.ts';

export interface SlackEmulatorOptions {
  /** The only bot token the emulator accepts. */
  botToken?: string;
  /** The only app-level token (Socket Mode) the emulator accepts. */
  appToken?: string;
  identity?: Partial<EmulatorIdentity>;
  host?: string;
  port?: number;
}

/** A running Slack Web API emulator and what tests ask it. */
export interface SlackEmulator {
  /** Base URL, e.g. http://127.0.0.1:PORT */
  url: string;
  /** What the Web API client takes as slackApiUrl (ends in /api/). */
  apiUrl: string;
  botToken: string;
  appToken: string;
  identity: EmulatorIdentity;
  /** Socket Mode: connections opened through apps.connections.open, and envelope delivery. */
  socketMode: SocketModeServer;
  /** A response_url the emulator serves; posts to it are recorded under id. */
  responseUrl(id: string): string;
  messages(channel: string): EmulatedMessage[];
  ephemerals(channel?: string): EmulatedEphemeral[];
  responses(id?: string): ResponseUrlPost[];
  views(): Array<{ id: string; triggerId: string; view: unknown }>;
  calls(method?: string): RecordedCall[];
  /** Calls to methods the emulator does not know: a test usually expects none. */
  unexpected(): RecordedCall[];
  /** Files received through files.uploadV2 (getUploadURLExternal, upload, completeUploadExternal). */
  files(): EmulatedFile[];
  /** Answers the next `times` calls of method (or 'response_url') with the fault. */
  failNext(method: string, fault: Fault, times?: number): void;
  seedUser(user: SeedUser): void;
  seedUsergroup(id: string, userIds: string[]): void;
  seedChannel(channel: SeedChannel): void;
  waitFor<T>(
    probe: () => T | undefined | null | false,
    options?: { timeoutMs?: number },
  ): Promise<T>;
  reset(options?: { seeds?: boolean }): void;
  close(): Promise<void>;
}

const DEFAULT_IDENTITY: EmulatorIdentity = {
  teamId: 'T0EMULATE',
  teamName: 'emulated',
  botId: 'B0EMULATE',
  botUserId: 'U0MCBOT',
  botUserName: 'mc',
  appId: 'A0EMULATE',
};

/** Starts the emulator on 127.0.0.1 and an ephemeral port. */
export async function createSlackEmulator(
  options: SlackEmulatorOptions = {},
): Promise<SlackEmulator> {
  const state = createEmulatorState();
  const botToken = options.botToken ?? 'xoxb-emulator-0000-token';
  const appToken = options.appToken ?? 'xapp-1-A0EMULATE-0000-apptoken';
  const identity = { ...DEFAULT_IDENTITY, ...options.identity };
  const ctx = { botToken, appToken, identity, socketUrl: '' };
  const server = createServer((req, res) => {
    handleEmulatorRequest(state, ctx, req, res).catch((error: unknown) => {
      fail(res, error);
    });
  });
  const socketMode = attachSocketModeServer(server, identity.appId);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${options.host ?? '127.0.0.1'}:${port}`;
  ctx.socketUrl = `ws://${options.host ?? '127.0.0.1'}:${port}/socket-mode`;
  return {
    url,
    apiUrl: `${url}/api/`,
    botToken,
    appToken,
    identity,
    socketMode,
    responseUrl: (id) => `${url}/response/${encodeURIComponent(id)}`,
    messages: (channel) => [...(state.messages.get(channel) ?? [])],
    ephemerals: (channel) => state.ephemerals.filter((e) => !channel || e.channel === channel),
    responses: (id) => state.responses.filter((r) => id === undefined || r.id === id),
    views: () => [...state.views],
    calls: (method) => state.calls.filter((c) => method === undefined || c.method === method),
    unexpected: () => [...state.unexpected],
    files: () => uploadedFiles(state),
    failNext(method, fault, times = 1) {
      const queue = state.faults.get(method) ?? [];
      for (let i = 0; i < times; i += 1) queue.push(fault);
      state.faults.set(method, queue);
    },
    seedUser: (user) => void state.users.set(user.id, user),
    seedUsergroup: (id, userIds) => void state.usergroups.set(id, [...userIds]),
    seedChannel: (channel) => void state.channels.set(channel.id, channel),
    waitFor: (probe, waitOptions = {}) => waitForState(state, probe, waitOptions.timeoutMs ?? 2000),
    reset: (resetOptions) => resetEmulatorState(state, resetOptions),
    close: () =>
      new Promise<void>((resolve, reject) => {
        socketMode.close();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function fail(res: ServerResponse, error: unknown) {
  if (res.headersSent) return void res.destroy();
  res.writeHead(500, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ ok: false, error: 'internal_error', detail: String(error) }));
}
