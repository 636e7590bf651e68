import { createHash, randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';

const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const OPCODES = { text: 0x1, close: 0x8, ping: 0x9, pong: 0xa } as const;

/** The ack a Socket Mode client sent for one envelope. */
export interface SocketAck {
  envelope_id: string;
  payload?: Record<string, unknown>;
}

/** The Socket Mode side of the emulator: a WebSocket endpoint that delivers envelopes. */
export interface SocketModeServer {
  /** Open connections (after the hello). */
  connections(): number;
  /** Resolves once a client is connected. */
  waitForConnection(timeoutMs?: number): Promise<void>;
  /**
   * Delivers an envelope (`slash_commands`, `interactive`, `events_api`) to the newest connection
   * and resolves with the client's ack; rejects if none arrives within timeoutMs.
   */
  deliver(
    type: string,
    payload: Record<string, unknown>,
    options?: { retryAttempt?: number; retryReason?: string; timeoutMs?: number },
  ): Promise<SocketAck>;
  close(): void;
}

/**
 * A minimal RFC 6455 server on the emulator's HTTP server (path /socket-mode): enough of the
 * protocol for @slack/socket-mode (text frames, ping/pong, close), nothing more.
 */
export function attachSocketModeServer(server: Server, appId: string): SocketModeServer {
  const sockets: Duplex[] = [];
  const events = new EventEmitter();
  events.setMaxListeners(1000);
  server.on('upgrade', (req: IncomingMessage, socket: Duplex) => {
    const key = req.headers['sec-websocket-key'];
    if (!req.url?.startsWith('/socket-mode') || typeof key !== 'string') {
      socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
      return;
    }
    const accept = createHash('sha1')
      .update(key + WS_GUID)
      .digest('base64');
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
    );
    sockets.push(socket);
    const drop = () => {
      const at = sockets.indexOf(socket);
      if (at >= 0) sockets.splice(at, 1);
    };
    socket.on('close', drop);
    socket.on('error', drop);
    readFrames(socket, (opcode, data) => {
      if (opcode === OPCODES.ping) socket.write(frame(OPCODES.pong, data));
      else if (opcode === OPCODES.close) {
        socket.end(frame(OPCODES.close, data.subarray(0, 2)));
        drop();
      } else if (opcode === OPCODES.text) {
        const message = JSON.parse(data.toString('utf8')) as SocketAck;
        events.emit(`ack:${message.envelope_id}`, message);
      }
    });
    const hello = {
      type: 'hello',
      num_connections: sockets.length,
      connection_info: { app_id: appId },
    };
    socket.write(frame(OPCODES.text, Buffer.from(JSON.stringify(hello))));
    events.emit('connected');
  });
  return {
    connections: () => sockets.length,
    waitForConnection(timeoutMs = 2000) {
      if (sockets.length > 0) return Promise.resolve();
      return waitFor(events, 'connected', timeoutMs, 'no Socket Mode connection').then(() => {});
    },
    deliver(type, payload, options = {}) {
      const socket = sockets.at(-1);
      if (!socket) return Promise.reject(new Error('no Socket Mode client is connected'));
      const envelopeId = randomUUID();
      const acked = waitFor(
        events,
        `ack:${envelopeId}`,
        options.timeoutMs ?? 3000,
        `no ack for ${type} envelope`,
      ) as Promise<SocketAck>;
      const envelope = {
        envelope_id: envelopeId,
        type,
        payload,
        accepts_response_payload: type !== 'events_api',
        ...(options.retryAttempt !== undefined
          ? { retry_attempt: options.retryAttempt, retry_reason: options.retryReason ?? 'timeout' }
          : {}),
      };
      socket.write(frame(OPCODES.text, Buffer.from(JSON.stringify(envelope))));
      return acked;
    },
    close() {
      for (const socket of sockets.splice(0)) socket.destroy();
    },
  };
}

function waitFor(events: EventEmitter, name: string, timeoutMs: number, what: string) {
  return new Promise<unknown>((resolve, reject) => {
    const timer = setTimeout(() => {
      events.off(name, onEvent);
      reject(new Error(`slack emulator: ${what} within ${timeoutMs} ms`));
    }, timeoutMs);
    function onEvent(value: unknown) {
      clearTimeout(timer);
      resolve(value);
    }
    events.once(name, onEvent);
  });
}

/** An unmasked server frame (servers never mask). */
function frame(opcode: number, payload: Buffer): Buffer {
  const length = payload.length;
  const head =
    length < 126
      ? Buffer.from([0x80 | opcode, length])
      : length < 65_536
        ? Buffer.from([0x80 | opcode, 126, length >> 8, length & 0xff])
        : Buffer.concat([Buffer.from([0x80 | opcode, 127]), bigLength(length)]);
  return Buffer.concat([head, payload]);
}

function bigLength(length: number): Buffer {
  const buf = Buffer.alloc(8);
  buf.writeBigUInt64BE(BigInt(length));
  return buf;
}

/** Parses client frames (masked, possibly fragmented) and hands each whole message on. */
function readFrames(socket: Duplex, onMessage: (opcode: number, data: Buffer) => void): void {
  let buffered = Buffer.alloc(0);
  let fragments: Buffer[] = [];
  let fragmentOpcode = 0;
  socket.on('data', (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    for (;;) {
      if (buffered.length < 2) return;
      const first = buffered[0] ?? 0;
      const second = buffered[1] ?? 0;
      let length = second & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (buffered.length < 4) return;
        length = buffered.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (buffered.length < 10) return;
        length = Number(buffered.readBigUInt64BE(2));
        offset = 10;
      }
      const masked = (second & 0x80) !== 0;
      const maskAt = offset;
      if (masked) offset += 4;
      if (buffered.length < offset + length) return;
      const data = Buffer.from(buffered.subarray(offset, offset + length));
      if (masked)
        for (let i = 0; i < data.length; i += 1)
          data[i] = (data[i] ?? 0) ^ (buffered[maskAt + (i % 4)] ?? 0);
      buffered = buffered.subarray(offset + length);
      const opcode = first & 0x0f;
      const fin = (first & 0x80) !== 0;
      if (opcode >= 0x8) onMessage(opcode, data);
      else {
        if (opcode !== 0) fragmentOpcode = opcode;
        fragments.push(data);
        if (fin) {
          onMessage(fragmentOpcode, Buffer.concat(fragments));
          fragments = [];
        }
      }
    }
  });
}
