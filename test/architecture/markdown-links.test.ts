import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from './import-graph.ts';

const SKIP = new Set(['node_modules', '.git', 'data', 'coverage']);

function markdownFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (SKIP.has(entry.name)) return [];
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return markdownFiles(full);
    return entry.name.endsWith('.md') ? [full] : [];
  });
}

/** Relative link targets of a Markdown text (`[text](target)`), anchors and URLs left out. */
function relativeLinks(text: string): string[] {
  const withoutCode = text.replace(/```[\s\S]*?```/g, '');
  return [...withoutCode.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)]
    .map((m) => m[1] ?? '')
    .filter((target) => !/^([a-z][a-z0-9+.-]*:|#)/i.test(target));
}

describe('Markdown links', () => {
  const files = markdownFiles(REPO);

  it('finds the docs (a broken walk would pass)', () => {
    const names = files.map((f) => path.relative(REPO, f));
    expect(names).toEqual(expect.arrayContaining(['README.md', 'docs/ARCHITECTURE.md']));
    expect(
      relativeLinks('[a](docs/x.md#y) [b](https://x.test) [c](#z) [d](../out.md "t")'),
    ).toEqual(['docs/x.md#y', '../out.md']);
  });

  it('resolves every relative link inside the repository', () => {
    const broken = files.flatMap((file) =>
      relativeLinks(readFileSync(file, 'utf8')).flatMap((target) => {
        const resolved = path.resolve(path.dirname(file), decodeURI(target.split('#')[0] ?? ''));
        const inside = resolved === REPO || resolved.startsWith(`${REPO}${path.sep}`);
        return inside && existsSync(resolved)
          ? []
          : [
              `${path.relative(REPO, file)} → ${target}${inside ? '' : ' (outside the repository)'}`,
            ];
      }),
    );
    expect(broken).toEqual([]);
  });
});
