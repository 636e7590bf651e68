import { escapeMrkdwn } from './blocks.ts';

// A change reason as match-playbook and suspect-change write it: `deploy \`1.4.2\` by U0…`
// or `rollback \`1.4.2\` → \`1.4.1\` by U0…`. Versions are image tags (no spaces or backticks),
// so a quoted alert or incident title cannot take this shape and ping someone.
const CHANGE_BY =
  /^([a-z][a-z -]*) (`[\w.:@/+-]+`(?: → `[\w.:@/+-]+`)?) by ([UW][A-Z0-9]{8,})((?: .*)?)$/;

/**
 * A triage reason in mrkdwn: escaped whole, except that the person who made a change is a
 * Slack mention (`by @carol`), never a raw id like `by U02CAROL03`.
 */
export function reasonMrkdwn(reason: string): string {
  const match = CHANGE_BY.exec(reason);
  if (!match) return escapeMrkdwn(reason);
  const [, kind = '', versions = '', user = '', rest = ''] = match;
  return `${escapeMrkdwn(kind)} ${escapeMrkdwn(versions)} by <@${user}>${escapeMrkdwn(rest)}`;
}
