import { checkElement } from './check-elements.ts';
import { asObject, checkString, checkText } from './check-text.ts';
import { LIMITS, type Problems } from './limits.ts';

function checkArray(problems: Problems, pointer: string, value: unknown, max: number): unknown[] {
  if (!Array.isArray(value)) {
    problems.push({ pointer, message: 'must be an array' });
    return [];
  }
  if (value.length === 0) problems.push({ pointer, message: 'must provide at least 1 items' });
  if (value.length > max) problems.push({ pointer, message: `must provide at most ${max} items` });
  return value;
}

function checkActionIds(problems: Problems, pointer: string, ids: Array<string | undefined>): void {
  const seen = new Set<string>();
  ids.forEach((id, i) => {
    if (id === undefined) return;
    if (seen.has(id)) {
      problems.push({
        pointer: `${pointer}/${i}/action_id`,
        message: `action_id ${id} already exists`,
      });
    }
    seen.add(id);
  });
}

function checkSection(problems: Problems, pointer: string, block: Record<string, unknown>): void {
  if (block.text === undefined && block.fields === undefined) {
    problems.push({ pointer, message: 'must provide text or fields' });
  }
  if (block.text !== undefined) {
    checkText(problems, `${pointer}/text`, block.text, 'any', LIMITS.sectionText);
  }
  if (block.fields !== undefined) {
    const fields = checkArray(problems, `${pointer}/fields`, block.fields, LIMITS.sectionFields);
    for (const [i, f] of fields.entries()) {
      checkText(problems, `${pointer}/fields/${i}`, f, 'any', LIMITS.sectionField);
    }
  }
  if (block.accessory !== undefined)
    checkElement(problems, `${pointer}/accessory`, block.accessory);
}

function checkBlock(problems: Problems, pointer: string, value: unknown): void {
  const block = asObject(value);
  if (!block) {
    problems.push({ pointer, message: 'must be a block object' });
    return;
  }
  switch (block.type) {
    case 'section':
      checkSection(problems, pointer, block);
      return;
    case 'header':
      checkText(problems, `${pointer}/text`, block.text, 'plain_text', LIMITS.headerText);
      return;
    case 'context': {
      const elements = checkArray(
        problems,
        `${pointer}/elements`,
        block.elements,
        LIMITS.contextElements,
      );
      elements.forEach((e, i) => {
        const at = `${pointer}/elements/${i}`;
        if (asObject(e)?.type === 'image') checkElement(problems, at, e);
        else checkText(problems, at, e, 'any', LIMITS.sectionText);
      });
      return;
    }
    case 'actions': {
      const at = `${pointer}/elements`;
      const elements = checkArray(problems, at, block.elements, LIMITS.actionsElements);
      checkActionIds(
        problems,
        at,
        elements.map((e, i) => checkElement(problems, `${at}/${i}`, e)),
      );
      return;
    }
    case 'divider':
      return;
    case 'image':
      checkElement(problems, pointer, block);
      if (block.title !== undefined) {
        checkText(problems, `${pointer}/title`, block.title, 'plain_text', LIMITS.imageAltText);
      }
      return;
    case 'input':
      checkText(problems, `${pointer}/label`, block.label, 'plain_text', LIMITS.sectionField);
      checkElement(problems, `${pointer}/element`, block.element);
      return;
    case 'rich_text':
      checkArray(problems, `${pointer}/elements`, block.elements, Number.POSITIVE_INFINITY);
      return;
    default:
      problems.push({
        pointer: `${pointer}/type`,
        message: `unsupported type: ${String(block.type)}`,
      });
  }
}

/** Every block at `pointer`: count, each block's own limits, block_id length and uniqueness. */
export function checkBlocks(
  problems: Problems,
  pointer: string,
  value: unknown,
  max: number,
): void {
  if (!Array.isArray(value)) {
    problems.push({ pointer, message: 'must be an array' });
    return;
  }
  if (value.length > max) problems.push({ pointer, message: `must provide at most ${max} items` });
  const blockIds = new Set<string>();
  value.forEach((block, i) => {
    const at = `${pointer}/${i}`;
    checkBlock(problems, at, block);
    const id = asObject(block)?.block_id;
    if (id === undefined) return;
    checkString(problems, `${at}/block_id`, id, LIMITS.blockId);
    if (typeof id === 'string' && blockIds.has(id)) {
      problems.push({ pointer: `${at}/block_id`, message: `block_id ${id} already exists` });
    }
    if (typeof id === 'string') blockIds.add(id);
  });
}

/** The characters of every text string in the blocks: what Slack's hidden budget counts. */
export function blockTextLength(value: unknown): number {
  if (typeof value === 'string') return 0;
  if (Array.isArray(value)) return value.reduce((sum: number, v) => sum + blockTextLength(v), 0);
  const object = asObject(value);
  if (!object) return 0;
  let sum = 0;
  for (const [key, child] of Object.entries(object)) {
    sum += key === 'text' && typeof child === 'string' ? child.length : blockTextLength(child);
  }
  return sum;
}
