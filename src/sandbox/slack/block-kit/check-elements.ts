import { asObject, checkString, checkText } from './check-text.ts';
import { LIMITS, type Problems } from './limits.ts';

/** A confirmation dialog: title 100, text 300, confirm and deny 30, style primary|danger. */
export function checkConfirm(problems: Problems, pointer: string, value: unknown): void {
  const confirm = asObject(value);
  if (!confirm) {
    problems.push({ pointer, message: 'must be a confirm object' });
    return;
  }
  checkText(problems, `${pointer}/title`, confirm.title, 'plain_text', LIMITS.confirmTitle);
  checkText(problems, `${pointer}/text`, confirm.text, 'any', LIMITS.confirmText);
  checkText(problems, `${pointer}/confirm`, confirm.confirm, 'plain_text', LIMITS.confirmButton);
  checkText(problems, `${pointer}/deny`, confirm.deny, 'plain_text', LIMITS.confirmButton);
  checkStyle(problems, pointer, confirm.style);
}

function checkStyle(problems: Problems, pointer: string, style: unknown): void {
  if (style !== undefined && style !== 'primary' && style !== 'danger') {
    problems.push({ pointer: `${pointer}/style`, message: 'must be primary or danger' });
  }
}

function checkOption(problems: Problems, pointer: string, value: unknown): void {
  const option = asObject(value);
  if (!option) {
    problems.push({ pointer, message: 'must be an option object' });
    return;
  }
  checkText(problems, `${pointer}/text`, option.text, 'plain_text', LIMITS.optionText);
  checkString(problems, `${pointer}/value`, option.value, LIMITS.optionValue, { required: true });
  checkString(problems, `${pointer}/url`, option.url, LIMITS.url);
  if (option.description !== undefined) {
    checkText(
      problems,
      `${pointer}/description`,
      option.description,
      'plain_text',
      LIMITS.optionDescription,
    );
  }
}

function checkOptions(
  problems: Problems,
  pointer: string,
  value: unknown,
  bounds: { min: number; max: number },
): void {
  if (!Array.isArray(value)) {
    problems.push({ pointer, message: 'must be an array' });
    return;
  }
  if (value.length < bounds.min) {
    problems.push({ pointer, message: `must provide at least ${bounds.min} items` });
  }
  if (value.length > bounds.max) {
    problems.push({ pointer, message: `must provide at most ${bounds.max} items` });
  }
  for (const [i, option] of value.entries()) checkOption(problems, `${pointer}/${i}`, option);
}

/** The interactive or display element at `pointer`; returns its action_id, if any. */
export function checkElement(
  problems: Problems,
  pointer: string,
  value: unknown,
): string | undefined {
  const element = asObject(value);
  if (!element) {
    problems.push({ pointer, message: 'must be an element object' });
    return undefined;
  }
  checkString(problems, `${pointer}/action_id`, element.action_id, LIMITS.actionId);
  if (element.confirm !== undefined) checkConfirm(problems, `${pointer}/confirm`, element.confirm);
  switch (element.type) {
    case 'button':
      checkText(problems, `${pointer}/text`, element.text, 'plain_text', LIMITS.buttonText);
      checkString(problems, `${pointer}/value`, element.value, LIMITS.buttonValue);
      checkString(problems, `${pointer}/url`, element.url, LIMITS.url);
      checkStyle(problems, pointer, element.style);
      break;
    case 'overflow':
      checkOptions(problems, `${pointer}/options`, element.options, {
        min: LIMITS.overflowOptionsMin,
        max: LIMITS.overflowOptionsMax,
      });
      break;
    case 'static_select':
      checkText(
        problems,
        `${pointer}/placeholder`,
        element.placeholder,
        'plain_text',
        LIMITS.placeholder,
      );
      checkOptions(problems, `${pointer}/options`, element.options, {
        min: 1,
        max: LIMITS.selectOptions,
      });
      break;
    case 'image':
      checkString(problems, `${pointer}/image_url`, element.image_url, LIMITS.url, {
        required: true,
      });
      checkString(problems, `${pointer}/alt_text`, element.alt_text, LIMITS.imageAltText, {
        required: true,
      });
      break;
    default:
      // Other element types (date pickers, inputs) are not used by the bot: accepted unread.
      if (typeof element.type !== 'string') {
        problems.push({ pointer: `${pointer}/type`, message: 'must be a string' });
      }
  }
  return typeof element.action_id === 'string' ? element.action_id : undefined;
}
