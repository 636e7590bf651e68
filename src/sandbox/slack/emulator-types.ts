/** Arguments of one Web API call as the emulator decoded them (JSON-valued fields parsed). */
export type CallArgs = Record<string, unknown>;

/** One request the emulator received, Web API method or response_url post. */
export interface RecordedCall {
  method: string;
  args: CallArgs;
  /** What the emulator answered with (the JSON body), or the HTTP status for injected 429s. */
  response: Record<string, unknown>;
  status: number;
  at: number;
}

/** A message as the channel holds it after posts and edits. */
export interface EmulatedMessage {
  channel: string;
  ts: string;
  threadTs?: string;
  text: string;
  blocks: unknown[];
  /** The bot user that posted it. */
  user: string;
  /** How many times chat.update changed it. */
  edits: number;
}

/** An ephemeral message: seen by one user only, never editable. */
export interface EmulatedEphemeral {
  channel: string;
  user: string;
  text: string;
  blocks: unknown[];
  threadTs?: string;
  messageTs: string;
}

/** A body POSTed to a response_url the emulator handed out. */
export interface ResponseUrlPost {
  id: string;
  body: Record<string, unknown>;
  at: number;
}

/** A seeded workspace member, as users.info returns it. */
export interface SeedUser {
  id: string;
  name: string;
  realName?: string;
  isBot?: boolean;
  tz?: string;
}

/** A seeded channel, as conversations.info returns it. */
export interface SeedChannel {
  id: string;
  name: string;
  isPrivate?: boolean;
}

/** What the next calls of a method should answer instead of the normal result. */
export type Fault =
  | { kind: 'rate_limited'; retryAfterSeconds: number }
  | { kind: 'error'; error: string };

/** Identity the emulator reports for the workspace and the bot (auth.test). */
export interface EmulatorIdentity {
  teamId: string;
  teamName: string;
  botId: string;
  botUserId: string;
  botUserName: string;
  appId: string;
}
