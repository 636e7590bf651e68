import { validateMessage, validateView } from './block-kit/validate-payload.ts';
import type { EmulatorState } from './emulator-state.ts';
import type { CallArgs, EmulatedMessage, EmulatorIdentity } from './emulator-types.ts';

export type MethodResult = Record<string, unknown> & { ok: boolean };
export type MethodHandler = (
  state: EmulatorState,
  args: CallArgs,
  identity: EmulatorIdentity,
) => MethodResult;

const fail = (error: string): MethodResult => ({ ok: false, error });
const str = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;
const blocksOf = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

function authTest(_state: EmulatorState, _args: CallArgs, id: EmulatorIdentity): MethodResult {
  return {
    ok: true,
    url: `https://${id.teamName}.slack.com/`,
    team: id.teamName,
    user: id.botUserName,
    team_id: id.teamId,
    user_id: id.botUserId,
    bot_id: id.botId,
    is_enterprise_install: false,
  };
}

function postMessage(state: EmulatorState, args: CallArgs, id: EmulatorIdentity): MethodResult {
  const channel = str(args.channel);
  if (!channel) return fail('channel_not_found');
  const text = str(args.text) ?? '';
  const blocks = blocksOf(args.blocks);
  if (text === '' && blocks.length === 0) return fail('no_text');
  const refused = validateMessage(args);
  if (refused) return refused;
  const threadTs = str(args.thread_ts);
  const list = state.messages.get(channel) ?? [];
  // thread_ts may name a user's message the emulator never saw (a mention): accept it.
  const message: EmulatedMessage = {
    channel,
    ts: state.nextTs(),
    text,
    blocks,
    user: id.botUserId,
    edits: 0,
    ...(threadTs ? { threadTs } : {}),
  };
  list.push(message);
  state.messages.set(channel, list);
  return { ok: true, channel, ts: message.ts, message: toWire(message, id) };
}

function update(state: EmulatorState, args: CallArgs, id: EmulatorIdentity): MethodResult {
  const channel = str(args.channel);
  const ts = str(args.ts);
  if (!channel) return fail('channel_not_found');
  const message = state.messages.get(channel)?.find((m) => m.ts === ts);
  if (!message) return fail('message_not_found');
  const refused = validateMessage(args);
  if (refused) return refused;
  if (args.text !== undefined) message.text = String(args.text);
  if (args.blocks !== undefined) message.blocks = blocksOf(args.blocks);
  message.edits += 1;
  return { ok: true, channel, ts: message.ts, text: message.text, message: toWire(message, id) };
}

function postEphemeral(state: EmulatorState, args: CallArgs): MethodResult {
  const channel = str(args.channel);
  const user = str(args.user);
  if (!channel) return fail('channel_not_found');
  if (!user) return fail('user_not_in_channel');
  const text = str(args.text) ?? '';
  const blocks = blocksOf(args.blocks);
  if (text === '' && blocks.length === 0) return fail('no_text');
  const refused = validateMessage(args);
  if (refused) return refused;
  const messageTs = state.nextTs();
  const threadTs = str(args.thread_ts);
  state.ephemerals.push({
    channel,
    user,
    text,
    blocks,
    messageTs,
    ...(threadTs ? { threadTs } : {}),
  });
  return { ok: true, message_ts: messageTs };
}

function viewsOpen(state: EmulatorState, args: CallArgs, id: EmulatorIdentity): MethodResult {
  const triggerId = str(args.trigger_id);
  if (!triggerId) return fail('invalid_trigger_id');
  if (args.view === null || typeof args.view !== 'object') return fail('invalid_arguments');
  const refused = validateView(args.view);
  if (refused) return refused;
  const viewId = state.nextId('V');
  state.views.push({ id: viewId, triggerId, view: args.view });
  return { ok: true, view: { ...(args.view as object), id: viewId, team_id: id.teamId } };
}

function usersInfo(state: EmulatorState, args: CallArgs, id: EmulatorIdentity): MethodResult {
  const user = state.users.get(str(args.user) ?? '');
  if (!user) return fail('user_not_found');
  return {
    ok: true,
    user: {
      id: user.id,
      team_id: id.teamId,
      name: user.name,
      real_name: user.realName ?? user.name,
      is_bot: user.isBot ?? false,
      tz: user.tz ?? 'UTC',
      profile: { real_name: user.realName ?? user.name, display_name: user.name },
    },
  };
}

function usergroupUsers(state: EmulatorState, args: CallArgs): MethodResult {
  const users = state.usergroups.get(str(args.usergroup) ?? '');
  if (!users) return fail('no_such_subteam');
  return { ok: true, users: [...users] };
}

function conversationsInfo(state: EmulatorState, args: CallArgs): MethodResult {
  const channel = state.channels.get(str(args.channel) ?? '');
  if (!channel) return fail('channel_not_found');
  return {
    ok: true,
    channel: {
      id: channel.id,
      name: channel.name,
      is_channel: !channel.isPrivate,
      is_private: channel.isPrivate ?? false,
      is_member: true,
    },
  };
}

function toWire(message: EmulatedMessage, id: EmulatorIdentity): Record<string, unknown> {
  return {
    type: 'message',
    user: message.user,
    bot_id: id.botId,
    text: message.text,
    blocks: message.blocks,
    ts: message.ts,
    ...(message.threadTs ? { thread_ts: message.threadTs } : {}),
  };
}

/** The Web API methods the emulator answers; anything else is `unknown_method`. */
export const WEB_API_METHODS: Record<string, MethodHandler> = {
  'auth.test': authTest,
  'chat.postMessage': postMessage,
  'chat.update': update,
  'chat.postEphemeral': postEphemeral,
  'views.open': viewsOpen,
  'users.info': usersInfo,
  'usergroups.users.list': usergroupUsers,
  'conversations.info': conversationsInfo,
};
