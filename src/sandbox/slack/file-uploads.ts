import type { ServerResponse } from 'node:http';
import type { EmulatorState } from './emulator-state.ts';
import type { CallArgs, EmulatedMessage, EmulatorIdentity } from './emulator-types.ts';

type MethodResult = Record<string, unknown> & { ok: boolean };

/** A file as the emulated workspace holds it, from the upload URL to its share in a channel. */
export interface EmulatedFile {
  id: string;
  filename: string;
  /** The length files.getUploadURLExternal was told; the upload must match it. */
  length: number;
  altText?: string;
  /** The bytes posted to the upload URL; absent until then. */
  data?: Buffer;
  title?: string;
  /** Set by files.completeUploadExternal. */
  completed: boolean;
  channel?: string;
  /** The message that shared it (its ts), posted by completeUploadExternal with a channel. */
  messageTs?: string;
}

interface FileStore {
  /** Where upload URLs point: the emulator's own base URL, learned from requests. */
  base: string;
  files: Map<string, EmulatedFile>;
}

const stores = new WeakMap<EmulatorState, FileStore>();

function storeOf(state: EmulatorState): FileStore {
  let store = stores.get(state);
  if (!store) {
    store = { base: 'http://127.0.0.1', files: new Map() };
    stores.set(state, store);
  }
  return store;
}

/** Remembers the emulator's base URL (the Host a client reached it by) for upload URLs. */
export function noteBaseUrl(state: EmulatorState, host: string | undefined): void {
  if (host) storeOf(state).base = `http://${host}`;
}

/** Every file the workspace received, in upload order. */
export function uploadedFiles(state: EmulatorState): EmulatedFile[] {
  return [...storeOf(state).files.values()];
}

const fail = (error: string): MethodResult => ({ ok: false, error });
const str = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);

/** files.getUploadURLExternal: a file id and a URL to POST the bytes to (step 1 of uploadV2). */
function getUploadUrl(state: EmulatorState, args: CallArgs): MethodResult {
  const filename = str(args.filename);
  const length = Number(args.length);
  if (!filename) return fail('invalid_arguments');
  if (!Number.isInteger(length) || length <= 0) return fail('invalid_length');
  const store = storeOf(state);
  const id = state.nextId('F');
  const altText = str(args.alt_text);
  store.files.set(id, { id, filename, length, completed: false, ...(altText ? { altText } : {}) });
  return { ok: true, upload_url: `${store.base}/upload/${id}`, file_id: id };
}

function fileEntries(value: unknown): { id?: unknown; title?: unknown }[] | undefined {
  try {
    const parsed = typeof value === 'string' ? JSON.parse(value) : value;
    return Array.isArray(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/**
 * files.completeUploadExternal (step 3): every named file must have been uploaded whole; with
 * `channel_id` the files are shared there in one message carrying `initial_comment`.
 */
function completeUpload(state: EmulatorState, args: CallArgs, id: EmulatorIdentity): MethodResult {
  const entries = fileEntries(args.files);
  if (!entries || entries.length === 0) return fail('invalid_arguments');
  const store = storeOf(state);
  const files: EmulatedFile[] = [];
  for (const entry of entries) {
    const file = store.files.get(String(entry.id ?? ''));
    if (!file) return fail('file_not_found');
    if (!file.data) return fail('file_upload_not_found');
    if (file.data.length !== file.length) return fail('file_upload_size_mismatch');
    files.push(file);
    if (typeof entry.title === 'string') file.title = entry.title;
  }
  const channel = str(args.channel_id);
  let messageTs: string | undefined;
  if (channel) {
    const threadTs = str(args.thread_ts);
    const message: EmulatedMessage = {
      channel,
      ts: state.nextTs(),
      text: str(args.initial_comment) ?? '',
      blocks: [],
      user: id.botUserId,
      edits: 0,
      ...(threadTs ? { threadTs } : {}),
    };
    messageTs = message.ts;
    state.messages.set(channel, [...(state.messages.get(channel) ?? []), message]);
  }
  for (const file of files) {
    file.completed = true;
    if (channel) file.channel = channel;
    if (messageTs) file.messageTs = messageTs;
  }
  return {
    ok: true,
    files: files.map((f) => ({
      id: f.id,
      name: f.filename,
      title: f.title ?? f.filename,
      size: f.length,
      url_private: `${store.base}/files/${f.id}`,
    })),
  };
}

/** The two Web API methods of `files.uploadV2`. */
export const FILE_METHODS = {
  'files.getUploadURLExternal': (state: EmulatorState, args: CallArgs) => getUploadUrl(state, args),
  'files.completeUploadExternal': completeUpload,
};

/** The file's bytes: the raw body, or the one file part of a multipart form (web-api sends that). */
async function fileBytes(raw: Buffer, contentType: string | undefined): Promise<Buffer> {
  if (!contentType?.startsWith('multipart/form-data')) return raw;
  const form = await new Request('http://upload', {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: raw,
  }).formData();
  for (const value of form.values()) {
    if (typeof value !== 'string') return Buffer.from(await value.arrayBuffer());
  }
  return Buffer.alloc(0);
}

/** POST /upload/<id> (step 2): the file's bytes. Answers 200 `OK - <length>` as Slack does. */
export async function handleFileUpload(
  state: EmulatorState,
  fileId: string,
  raw: Buffer,
  contentType: string | undefined,
  res: ServerResponse,
): Promise<void> {
  const file = storeOf(state).files.get(fileId);
  if (!file || file.completed) {
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('file not found');
    return;
  }
  file.data = await fileBytes(raw, contentType);
  state.events.emit('change');
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.end(`OK - ${file.data.length}`);
}

/** GET /files/<id>: the bytes, for the sandbox console and for people looking. */
export function serveFile(state: EmulatorState, fileId: string, res: ServerResponse): void {
  const file = storeOf(state).files.get(fileId);
  if (!file?.data) {
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('file not found');
    return;
  }
  const type = file.filename.endsWith('.png') ? 'image/png' : 'application/octet-stream';
  res.writeHead(200, { 'content-type': type, 'content-length': file.data.length });
  res.end(file.data);
}
