/** Where a message people can click lives: a channel message, or something only one user sees. */
export type MessageRef =
  | { kind: 'message'; channel: string; ts: string }
  | { kind: 'ephemeral'; messageTs: string }
  | { kind: 'response'; id: string; index: number };

/** Why the console handed out a response_url: a typed command or a click on a message. */
export interface ResponseOrigin {
  user: string;
  channel: string;
  origin: 'command' | 'click';
  target?: MessageRef;
  threadTs?: string;
}

/** A command as the user typed it, echoed to them only (Slack shows nothing in the channel). */
export interface Echo {
  user: string;
  channel: string;
  text: string;
  at: number;
  /** What the bot answered the HTTP request with, when not 200. */
  error?: string;
}

/**
 * What the console itself knows beyond the Slack emulator: who each response_url belongs to
 * and which message it answers, and the commands people typed.
 */
export interface ConsoleLog {
  responses: Map<string, ResponseOrigin>;
  echoes: Echo[];
  /** Bumped on every change the console makes, so pollers notice. */
  version: number;
  nextResponseId(prefix: string): string;
}

/** An empty log. */
export function createConsoleLog(): ConsoleLog {
  let counter = 0;
  return {
    responses: new Map(),
    echoes: [],
    version: 0,
    nextResponseId(prefix) {
      counter += 1;
      return `${prefix}-${Date.now().toString(36)}-${counter}`;
    },
  };
}
