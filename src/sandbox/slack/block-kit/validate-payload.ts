import { blockTextLength, checkBlocks } from './check-blocks.ts';
import { asObject, checkString, checkText } from './check-text.ts';
import { formatProblem, LIMITS, type Problems } from './limits.ts';

/** How Slack answers a payload it refuses: its error code and `response_metadata.messages`. */
export type Refusal = {
  ok: false;
  error: 'invalid_blocks' | 'msg_blocks_too_long' | 'msg_too_long' | 'invalid_arguments';
  response_metadata: { messages: string[] };
};

function refusal(error: Refusal['error'], problems: Problems): Refusal {
  return { ok: false, error, response_metadata: { messages: problems.map(formatProblem) } };
}

/**
 * A message as chat.postMessage, chat.update, chat.postEphemeral or a response_url receive
 * it: null when Slack would accept it, else Slack's refusal. Blocks may arrive as a JSON
 * string (form-encoded calls) or already parsed.
 */
export function validateMessage(args: Record<string, unknown>): Refusal | null {
  const text = args.text;
  if (typeof text === 'string' && text.length > LIMITS.topLevelText) {
    return refusal('msg_too_long', [
      { pointer: '/text', message: `must be less than ${LIMITS.topLevelText + 1} characters` },
    ]);
  }
  if (args.blocks === undefined) return null;
  const blocks = parseJson(args.blocks);
  const problems: Problems = [];
  checkBlocks(problems, '/blocks', blocks, LIMITS.messageBlocks);
  if (problems.length > 0) return refusal('invalid_blocks', problems);
  const length = blockTextLength(blocks);
  if (length > LIMITS.blockTextBudget) {
    return refusal('msg_blocks_too_long', [
      {
        pointer: '/blocks',
        message: `block text is ${length} characters, over about ${LIMITS.blockTextBudget}`,
      },
    ]);
  }
  return null;
}

/** A view as views.open, views.update, views.push and views.publish receive it. */
export function validateView(value: unknown): Refusal | null {
  const view = asObject(parseJson(value));
  if (!view)
    return refusal('invalid_arguments', [{ pointer: '/view', message: 'must be an object' }]);
  const problems: Problems = [];
  const modal = view.type === 'modal';
  if (!modal && view.type !== 'home') {
    problems.push({ pointer: '/view/type', message: 'must be modal or home' });
  }
  if (modal) {
    checkText(problems, '/view/title', view.title, 'plain_text', LIMITS.modalTitle);
    for (const key of ['submit', 'close'] as const) {
      if (view[key] !== undefined) {
        checkText(problems, `/view/${key}`, view[key], 'plain_text', LIMITS.modalButton);
      }
    }
  }
  checkString(problems, '/view/private_metadata', view.private_metadata, LIMITS.privateMetadata);
  checkString(problems, '/view/callback_id', view.callback_id, LIMITS.callbackId);
  checkBlocks(problems, '/view/blocks', view.blocks, LIMITS.modalBlocks);
  return problems.length > 0 ? refusal('invalid_blocks', problems) : null;
}

function parseJson(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}
