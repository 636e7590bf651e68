/**
 * Slack's Block Kit limits as documented (api.slack.com/reference/block-kit), plus the
 * undocumented total block-text budget real Slack answers with `msg_blocks_too_long`.
 */
export const LIMITS = {
  messageBlocks: 50,
  modalBlocks: 100,
  topLevelText: 40_000,
  /** Undocumented: bolt-js users report rejections from about 11,300 characters. */
  blockTextBudget: 12_000,
  blockId: 255,
  actionId: 255,
  sectionText: 3_000,
  sectionFields: 10,
  sectionField: 2_000,
  headerText: 150,
  contextElements: 10,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2_000,
  url: 3_000,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  optionText: 75,
  optionValue: 150,
  optionDescription: 75,
  overflowOptionsMin: 1,
  overflowOptionsMax: 5,
  selectOptions: 100,
  placeholder: 150,
  imageAltText: 2_000,
  modalTitle: 24,
  modalButton: 24,
  privateMetadata: 3_000,
  callbackId: 255,
} as const;

/** One refusal, in Slack's `response_metadata.messages` form. */
export interface Problem {
  /** JSON pointer into the payload, e.g. `/blocks/3/elements/0/text/text`. */
  pointer: string;
  message: string;
}

/** Collects problems while walking a payload. */
export type Problems = Problem[];

/** Slack's wording: `[ERROR] <message> [json-pointer:<pointer>]`. */
export function formatProblem(problem: Problem): string {
  return `[ERROR] ${problem.message} [json-pointer:${problem.pointer}]`;
}
