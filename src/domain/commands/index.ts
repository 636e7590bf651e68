export type { ParseContext, ParsedCommand, ParseError, ParseResult } from './parse-command.ts';
export { parseCommand } from './parse-command.ts';
export { renderHelp } from './render-help.ts';
export type { Token, TokenizeResult } from './tokenize.ts';
export { tokenize } from './tokenize.ts';
export { formatParseError, generalUsage } from './usage.ts';
export { parseDuration, type ValueType } from './value-types.ts';
