import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SANDBOX_USERS } from '../../src/sandbox/sandbox-users.ts';
import { REPO_ROOT } from '../support/slack.ts';

const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');

describe('README: the sandbox section', () => {
  it('names every person `mc sandbox` prints, and how many there are', () => {
    const missing = SANDBOX_USERS.filter((u) => !readme.includes(`(\`${u.name}\``));
    expect(missing.map((u) => u.name)).toEqual([]);
    const count = ['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight'][
      SANDBOX_USERS.length - 1
    ];
    expect(readme).toContain(`the ${count} sandbox people`);
  });

  it('says the sandbox also runs as `npx mc sandbox`', () => {
    expect(readme).toContain('`npx mc sandbox`');
  });
});
