import { EventEmitter } from 'node:events';
import type {
  EmulatedEphemeral,
  EmulatedMessage,
  Fault,
  RecordedCall,
  ResponseUrlPost,
  SeedChannel,
  SeedUser,
} from './emulator-types.ts';

/** Everything the emulated workspace holds; reset between tests. */
export interface EmulatorState {
  calls: RecordedCall[];
  unexpected: RecordedCall[];
  messages: Map<string, EmulatedMessage[]>;
  ephemerals: EmulatedEphemeral[];
  responses: ResponseUrlPost[];
  views: Array<{ id: string; triggerId: string; view: unknown }>;
  users: Map<string, SeedUser>;
  usergroups: Map<string, string[]>;
  channels: Map<string, SeedChannel>;
  faults: Map<string, Array<Fault>>;
  /** Emits 'change' whenever something is recorded, so waiters re-check without polling. */
  events: EventEmitter;
  nextTs(): string;
  nextId(prefix: string): string;
}

/** A fresh, empty workspace. */
export function createEmulatorState(): EmulatorState {
  let counter = 0;
  const events = new EventEmitter();
  events.setMaxListeners(1000);
  return {
    calls: [],
    unexpected: [],
    messages: new Map(),
    ephemerals: [],
    responses: [],
    views: [],
    users: new Map(),
    usergroups: new Map(),
    channels: new Map(),
    faults: new Map(),
    events,
    nextTs() {
      counter += 1;
      // Slack ts: seconds, a dot, six digits; unique and increasing within the emulator.
      return `${Math.floor(Date.now() / 1000)}.${String(counter).padStart(6, '0')}`;
    },
    nextId(prefix) {
      counter += 1;
      return `${prefix}${String(counter).padStart(8, '0')}`;
    },
  };
}

/** Forgets calls, messages and faults; keeps seeded users, groups and channels unless asked. */
export function resetEmulatorState(state: EmulatorState, options: { seeds?: boolean } = {}): void {
  state.calls.length = 0;
  state.unexpected.length = 0;
  state.messages.clear();
  state.ephemerals.length = 0;
  state.responses.length = 0;
  state.views.length = 0;
  state.faults.clear();
  if (options.seeds) {
    state.users.clear();
    state.usergroups.clear();
    state.channels.clear();
  }
  state.events.emit('change');
}

/** Takes the next injected fault for a method, if any. */
export function takeFault(state: EmulatorState, method: string): Fault | undefined {
  const queue = state.faults.get(method);
  const fault = queue?.shift();
  if (queue && queue.length === 0) state.faults.delete(method);
  return fault;
}

/**
 * Resolves with the first truthy value `probe` returns, re-checking after every recorded call
 * and every 10 ms (for conditions outside the emulator, such as a log line); rejects after
 * timeoutMs with what was recorded, so a failing test says what did happen.
 */
export function waitForState<T>(
  state: EmulatorState,
  probe: () => T | undefined | null | false,
  timeoutMs: number,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const check = (): boolean => {
      const value = probe();
      if (value === undefined || value === null || value === false) return false;
      cleanup();
      resolve(value);
      return true;
    };
    const timer = setTimeout(() => {
      cleanup();
      const seen = state.calls.map((c) => c.method).join(', ') || 'no calls';
      reject(new Error(`slack emulator: condition not met within ${timeoutMs} ms (saw: ${seen})`));
    }, timeoutMs);
    const onChange = () => {
      check();
    };
    const poll = setInterval(onChange, 10);
    function cleanup() {
      clearTimeout(timer);
      clearInterval(poll);
      state.events.off('change', onChange);
    }
    state.events.on('change', onChange);
    check();
  });
}
