import { escapeHtml, safeHref } from './escape.ts';
import { mrkdwnToHtml, type Names } from './mrkdwn.ts';

type Obj = Record<string, unknown>;
interface TextObject {
  type?: string;
  text?: string;
}

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** A Block Kit text object as HTML: mrkdwn rendered, plain_text escaped (emoji kept). */
export function textToHtml(value: unknown, names: Names): string {
  if (!isObj(value)) return '';
  const t = value as TextObject;
  if (t.type === 'mrkdwn') return mrkdwnToHtml(str(t.text), names);
  return escapeHtml(str(t.text)).replace(/\n/g, '<br>');
}

/**
 * Renders a message as Slack would show it: its blocks (section with text, fields and an
 * accessory; header; context; divider; actions; image), or its `text` when it has no blocks.
 * Unknown blocks show as a visible placeholder, not silently dropped. All text is escaped.
 */
export function renderMessageHtml(
  message: { text?: string; blocks?: unknown[] },
  names: Names,
): string {
  const blocks = Array.isArray(message.blocks) ? message.blocks : [];
  // A text-only message reads as one section: its bold, emoji and words stay on one line.
  if (blocks.length === 0)
    return renderBlock(
      { type: 'section', text: { type: 'mrkdwn', text: message.text ?? '' } },
      names,
    );
  return blocks.map((b) => renderBlock(b, names)).join('');
}

function renderBlock(block: unknown, names: Names): string {
  if (!isObj(block)) return '';
  switch (block.type) {
    case 'section': {
      const text = block.text ? `<div class="text">${textToHtml(block.text, names)}</div>` : '';
      const fields = Array.isArray(block.fields)
        ? `<div class="fields">${block.fields.map((f) => `<div class="field">${textToHtml(f, names)}</div>`).join('')}</div>`
        : '';
      const accessory = isObj(block.accessory)
        ? `<div class="accessory">${renderElement(block.accessory, names)}</div>`
        : '';
      return `<div class="block section"><div class="main">${text}${fields}</div>${accessory}</div>`;
    }
    case 'header':
      return `<div class="block header">${textToHtml(block.text, names)}</div>`;
    case 'divider':
      return '<hr class="block divider">';
    case 'context': {
      const elements = Array.isArray(block.elements) ? block.elements : [];
      const inner = elements
        .map((e) =>
          isObj(e) && e.type === 'image' ? image(e) : `<span>${textToHtml(e, names)}</span>`,
        )
        .join('');
      return `<div class="block context">${inner}</div>`;
    }
    case 'actions': {
      const elements = Array.isArray(block.elements) ? block.elements : [];
      const blockId = str(block.block_id);
      return `<div class="block actions" data-block-id="${escapeHtml(blockId)}">${elements
        .map((e) => renderElement(e, names, blockId))
        .join('')}</div>`;
    }
    case 'image':
      return `<div class="block image">${image(block)}</div>`;
    default:
      return `<div class="block unsupported">[${escapeHtml(str(block.type) || 'unknown')} block]</div>`;
  }
}

function image(e: Obj): string {
  const src = safeHref(str(e.image_url));
  return src ? `<img src="${escapeHtml(src)}" alt="${escapeHtml(str(e.alt_text))}">` : '';
}

function renderElement(element: unknown, names: Names, blockId = ''): string {
  if (!isObj(element)) return '';
  if (element.type === 'image') return image(element);
  if (element.type !== 'button') {
    return `<span class="unsupported">[${escapeHtml(str(element.type))}]</span>`;
  }
  const label = textToHtml(element.text, names);
  const style =
    element.style === 'primary' || element.style === 'danger' ? ` ${element.style}` : '';
  const url = safeHref(str(element.url));
  if (url) {
    return `<a class="btn${style}" href="${escapeHtml(url)}" target="_blank" rel="noopener noreferrer">${label}</a>`;
  }
  const confirm = isObj(element.confirm) ? confirmAttr(element.confirm, names) : '';
  return `<button type="button" class="btn${style}" data-action-id="${escapeHtml(str(element.action_id))}" data-value="${escapeHtml(str(element.value))}" data-block-id="${escapeHtml(blockId)}"${confirm}>${label}</button>`;
}

/** A confirm dialog, pre-rendered to HTML and carried (escaped) in a data attribute. */
function confirmAttr(confirm: Obj, names: Names): string {
  const dialog = {
    title: textToHtml(confirm.title, names),
    text: textToHtml(confirm.text, names),
    confirm: textToHtml(confirm.confirm, names) || 'Confirm',
    deny: textToHtml(confirm.deny, names) || 'Cancel',
    style: confirm.style === 'danger' ? 'danger' : 'primary',
  };
  return ` data-confirm="${escapeHtml(JSON.stringify(dialog))}"`;
}
