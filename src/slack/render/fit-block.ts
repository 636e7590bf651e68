import { cutMrkdwn, cutPlain } from './safe-cut.ts';

/** A block as plain data: the fitter reads and rewrites any Block Kit shape. */
export type LooseBlock = Record<string, unknown>;
type Text = { type: 'plain_text' | 'mrkdwn'; text: string; emoji?: boolean };

// Slack's documented limits (api.slack.com/reference/block-kit).
export const BLOCK_KIT = {
  sectionText: 3000,
  fields: 10,
  field: 2000,
  header: 150,
  contextElements: 10,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  url: 3000,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
} as const;

function isText(value: unknown): value is Text {
  const t = value as Text | undefined;
  return typeof t?.text === 'string' && (t.type === 'plain_text' || t.type === 'mrkdwn');
}

/** A text object within `max`; mrkdwn says how much it cut, plain_text ends in an ellipsis. */
export function fitText<T>(value: T, max: number): T {
  if (!isText(value)) return value;
  const text = value.type === 'mrkdwn' ? cutMrkdwn(value.text, max) : cutPlain(value.text, max);
  if (value.type === 'mrkdwn' && 'emoji' in value) {
    const { emoji: _emoji, ...rest } = value;
    return { ...rest, text } as T;
  }
  return { ...value, text };
}

function fitConfirm(confirm: Record<string, unknown>): Record<string, unknown> {
  return {
    ...confirm,
    title: fitText(confirm.title, BLOCK_KIT.confirmTitle),
    text: fitText(confirm.text, BLOCK_KIT.confirmText),
    confirm: fitText(confirm.confirm, BLOCK_KIT.confirmButton),
    deny: fitText(confirm.deny, BLOCK_KIT.confirmButton),
  };
}

/** A button (or other element) within its limits: label, dialog; a too-long url is dropped. */
export function fitElement(element: Record<string, unknown>): Record<string, unknown> {
  const fitted: Record<string, unknown> = { ...element };
  if (element.type === 'button') fitted.text = fitText(element.text, BLOCK_KIT.buttonText);
  if (typeof element.url === 'string' && element.url.length > BLOCK_KIT.url) delete fitted.url;
  if (element.confirm && typeof element.confirm === 'object') {
    fitted.confirm = fitConfirm(element.confirm as Record<string, unknown>);
  }
  return fitted;
}

const chunk = <T>(items: T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) =>
    items.slice(i * size, i * size + size),
  );

/**
 * One block as one or more blocks within Slack's per-block limits. Nothing is dropped: extra
 * fields go to another section, extra context elements join the last one, an actions block
 * with more than 25 elements becomes consecutive actions blocks.
 */
export function fitBlock(block: LooseBlock): LooseBlock[] {
  switch (block.type) {
    case 'section': {
      const base = block.text
        ? { ...block, text: fitText(block.text, BLOCK_KIT.sectionText) }
        : block;
      if (!Array.isArray(block.fields)) return [base];
      const fields = block.fields.map((f) => fitText(f, BLOCK_KIT.field));
      return chunk(fields, BLOCK_KIT.fields).map((part, i) =>
        i === 0 ? { ...base, fields: part } : { type: 'section', fields: part },
      );
    }
    case 'header':
      return [{ ...block, text: fitText(block.text, BLOCK_KIT.header) }];
    case 'context': {
      const elements = (block.elements as unknown[]).map((e) => fitText(e, BLOCK_KIT.sectionText));
      if (elements.length <= BLOCK_KIT.contextElements) return [{ ...block, elements }];
      const keep = elements.slice(0, BLOCK_KIT.contextElements - 1);
      const rest = elements.slice(BLOCK_KIT.contextElements - 1).filter(isText);
      const joined = rest.map((t) => t.text).join(' · ');
      const merged = fitText({ type: 'mrkdwn', text: joined }, BLOCK_KIT.sectionText);
      return [{ ...block, elements: [...keep, merged] }];
    }
    case 'actions': {
      const elements = (block.elements as Record<string, unknown>[]).map(fitElement);
      return chunk(elements, BLOCK_KIT.actionsElements).map((part, i) => {
        const id =
          typeof block.block_id === 'string' && i > 0
            ? `${block.block_id}-${i + 1}`
            : block.block_id;
        return { ...block, elements: part, ...(id === undefined ? {} : { block_id: id }) };
      });
    }
    default:
      return [block];
  }
}
