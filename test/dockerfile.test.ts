import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './support/slack.ts';

const text = fs.readFileSync(path.join(REPO_ROOT, 'Dockerfile'), 'utf8');

/** Each FROM's image with ARG defaults substituted, as docker build resolves them. */
function baseImages(): string[] {
  const args = new Map<string, string>();
  for (const [, name, value] of text.matchAll(/^ARG (\w+)=(\S+)$/gm)) args.set(name!, value!);
  return [...text.matchAll(/^FROM (\S+)/gm)].map(([, image]) =>
    image!.replace(/\$\{(\w+)\}/g, (_, name: string) => args.get(name) ?? ''),
  );
}

describe('Dockerfile', () => {
  it('builds every stage on node 22 pinned by digest', () => {
    const images = baseImages();
    expect(images).toHaveLength(3);
    for (const image of images) {
      expect(image).toMatch(/^node:22-bookworm-slim@sha256:[0-9a-f]{64}$/);
    }
  });

  it('keeps the data volume private to the bot user', () => {
    expect(text).toMatch(/chown -R node:node \/var\/lib\/mc && chmod 700 \/var\/lib\/mc/);
  });
});
