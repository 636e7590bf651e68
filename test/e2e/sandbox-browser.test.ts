import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/run-sandbox.ts';
import { kubectl, kubectlMissing } from '../sandbox/kubernetes/kubectl-runner.ts';
import { REPO_ROOT } from '../support/slack.ts';
import { CHROMIUM_PATH, chromiumMissing } from './sandbox-chromium.ts';

const OUTPUT = path.join(REPO_ROOT, 'test-output');
const ENGINEER = 'U05OLIVE06';
const SRE_LEAD = 'U01ALICE01';
const WAIT = 45_000;

/**
 * The sandbox as a new user meets it: the real bot behind the web console, driven in headless
 * Chromium by clicks and typing only. Screenshots land in test-output/ on failure, and one of
 * the console is always written there for people to look at.
 */
describe.skipIf(chromiumMissing())('npm run sandbox in a real browser (headless Chromium)', () => {
  let sandbox: Sandbox;
  let browser: Browser;
  let page: Page;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'mc-sandbox-e2e-'));
    await mkdir(OUTPUT, { recursive: true });
    sandbox = await startSandbox({ configDir: REPO_ROOT, dataDir, logLevel: 'error' });
    browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: ['--no-sandbox'],
    });
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.setDefaultTimeout(WAIT);
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await sandbox?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const shoot = (name: string) => () =>
    page
      ?.screenshot({ path: path.join(OUTPUT, `${name}-failed.png`), fullPage: true })
      .then(() => undefined);

  /** Picks who we are in the sidebar, as a person would. */
  async function actAs(userId: string): Promise<void> {
    await page.selectOption('[data-testid=user-picker]', userId);
    await expect.poll(() => page.inputValue('[data-testid=user-picker]')).toBe(userId);
  }

  async function openChannel(name: string): Promise<void> {
    await page.locator('#channels li', { hasText: `# ${name}` }).click();
    await page.locator('#channel-name', { hasText: `#${name}` }).waitFor();
  }

  /** Clicks a message button, answering its confirm dialog when it has one. */
  async function press(button: Locator): Promise<void> {
    await button.click();
    const dialog = page.locator('#dialog');
    if (await dialog.isVisible()) await page.click('#dialog-confirm');
  }

  /**
   * The run plan naming `title`: the innermost message carrying Confirm or Approve, then held
   * by its ts (later edits drop those buttons; thread parents contain their replies' text).
   */
  async function planMessage(title: RegExp): Promise<Locator> {
    const buttons = page.getByRole('button', { name: /^(Confirm|Approve)$/ });
    const found = page.locator('.msg:not(.ephemeral)', { hasText: title, has: buttons }).last();
    await found.waitFor();
    return page.locator(`.msg[data-ts="${await found.getAttribute('data-ts')}"]`);
  }

  /** How many clearly dark pixels a screenshot of `element` holds, decoded in the page. */
  async function inkIn(element: Locator): Promise<number> {
    const png = (await element.screenshot()).toString('base64');
    return page.evaluate(`(async () => {
      const img = new Image();
      img.src = 'data:image/png;base64,${png}';
      await img.decode();
      const canvas = document.createElement('canvas');
      canvas.width = img.width;
      canvas.height = img.height;
      const ctx = canvas.getContext('2d');
      ctx.drawImage(img, 0, 0);
      const data = ctx.getImageData(0, 0, img.width, img.height).data;
      let dark = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i] + data[i + 1] + data[i + 2] < 300) dark++;
      return dark;
    })()`);
  }

  /** Confirms (or, when the plan waits for approval, approves as the SRE lead) a run plan. */
  async function confirmOrApprove(plan: Locator): Promise<void> {
    const confirm = plan.getByRole('button', { name: 'Confirm', exact: true });
    const approve = plan.getByRole('button', { name: 'Approve', exact: true });
    await confirm.or(approve).first().waitFor();
    if (await confirm.isVisible()) return press(confirm);
    await actAs(SRE_LEAD);
    await press(plan.getByRole('button', { name: 'Approve', exact: true }));
    await actAs(ENGINEER);
  }

  it.skipIf(kubectlMissing() !== undefined && process.env.CI !== 'true')(
    'writes a kubeconfig so kubectl sees the same emulated clusters',
    async () => {
      const home = path.dirname(sandbox.kubeconfigPath);
      const listed = await kubectl(
        home,
        ['--context', 'gke_acme-staging_europe-west1_main', 'get', 'deploy', '-n', 'checkout'],
        path.basename(sandbox.kubeconfigPath),
      );
      expect(listed.code).toBe(0);
      expect(listed.stdout).toMatch(/^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE/);
      expect(listed.stdout).toMatch(/\ncheckout\s+\d+\/\d+\s+\d+\s+\d+/);
    },
  );

  it('rolls checkout back in staging from /mc, and the evidence page opens', async () => {
    onTestFailed(shoot('sandbox-rollback'));
    await page.goto(`${sandbox.url}/?user=${ENGINEER}&channel=C0MCOPS`);
    await page.locator('#channel-name', { hasText: '#mc-ops' }).waitFor();
    await page.fill('[data-testid=composer]', '/mc rollback checkout --env staging --reason "e2e"');
    await page.press('[data-testid=composer]', 'Enter');
    const plan = await planMessage(/Rollback\s+checkout\s+in\s+staging/);
    await expect
      .poll(() => plan.textContent(), { timeout: WAIT })
      .toMatch(/1\.4\.2[\s\S]*→[\s\S]*1\.4\.1/);
    await confirmOrApprove(plan);
    await expect
      .poll(() => plan.textContent(), { timeout: WAIT, interval: 250 })
      .toMatch(/succeeded/);
    const evidence = plan.getByRole('link', { name: 'Evidence' }).first();
    const href = await evidence.getAttribute('href');
    expect(href).toMatch(new RegExp(`^${sandbox.botUrl}/evidence/`));
    const evidencePage = await browser.newPage();
    try {
      const response = await evidencePage.goto(href ?? '');
      expect(response?.status()).toBe(200);
      await expect.poll(() => evidencePage.textContent('body')).toMatch(/checkout[\s\S]*staging/);
    } finally {
      await evidencePage.close();
    }
  }, 120_000);

  it('a prod rollback waits for approval; the SRE lead approves it in the console', async () => {
    onTestFailed(shoot('sandbox-approval'));
    await actAs(ENGINEER);
    await openChannel('mc-ops');
    await page.fill(
      '[data-testid=composer]',
      '/mc rollback payments --env prod --reason "e2e approval"',
    );
    await page.press('[data-testid=composer]', 'Enter');
    const plan = await planMessage(/Rollback\s+payments\s+in\s+prod/);
    await plan.getByRole('button', { name: 'Approve', exact: true }).waitFor();
    await actAs(SRE_LEAD);
    await press(plan.getByRole('button', { name: 'Approve', exact: true }));
    await actAs(ENGINEER);
    await expect
      .poll(() => plan.textContent(), { timeout: WAIT, interval: 250 })
      .toMatch(/succeeded/);
    expect(await plan.textContent()).toMatch(/@alice/);
  }, 120_000);

  it('injects "checkout crashloop after a bad deploy", runs deploy-regression, and the incident resolves', async () => {
    onTestFailed(shoot('sandbox-crashloop'));
    await page.click('button[data-scenario=checkout-crashloop]');
    await openChannel('team-checkout');
    const suggestion = page.locator('.msg', { hasText: 'Suggested playbooks' }).first();
    await expect
      .poll(() => suggestion.textContent(), { timeout: WAIT })
      .toMatch(/1\.\s*Roll back the deploy/);
    // The same message is updated in place later (resolved: no suggestions), so hold it by its ts.
    const triage = page.locator(`.msg[data-ts="${await suggestion.getAttribute('data-ts')}"]`);
    const text = (await triage.textContent()) ?? '';
    expect(text.indexOf('deploy-regression')).toBeLessThan(text.indexOf('pod-crashloop'));
    // Once the PagerDuty incident joins, the plan's note names the deployer as people read it.
    await expect
      .poll(() => triage.textContent(), { timeout: WAIT, interval: 250 })
      .toMatch(
        /pagerduty\.note\s*incidentId=\S+ content=mc: rolling back checkout in staging from 1\.4\.3-bad to 1\.4\.1 \(deployed by carol at/,
      );
    expect(await triage.textContent()).not.toContain('U02CAROL03');
    // The README's triage screenshot, once the scenario's toast has gone.
    await page.locator('#toast').waitFor({ state: 'hidden', timeout: WAIT });
    // Tall enough that the channel's sticky header does not cover the message's top.
    await page.setViewportSize({ width: 1440, height: 1600 });
    await triage.screenshot({ path: path.join(OUTPUT, 'triage-message.png') });
    await page.setViewportSize({ width: 1440, height: 900 });
    // Mrkdwn _italic_ (the plan's "_Condition:_") is drawn in italics.
    const italic = triage.locator('i').first();
    await italic.waitFor();
    const triageTs = await triage.getAttribute('data-ts');
    const style = `getComputedStyle(document.querySelector('.msg[data-ts="${triageTs}"] i')).fontStyle`;
    expect(await page.evaluate(style)).toBe('italic');
    await press(triage.getByRole('button', { name: /^Run deploy-regression/ }).first());
    const plan = await planMessage(/Triage\s+checkout\s+in\s+staging/);
    await confirmOrApprove(plan);
    await expect
      .poll(() => plan.textContent(), { timeout: WAIT, interval: 250 })
      .toMatch(/succeeded/);
    await expect
      .poll(() => triage.textContent(), { timeout: WAIT, interval: 250 })
      .toMatch(/— resolved/);
    expect(await triage.getByRole('button', { name: /^Run / }).count()).toBe(0);
    await triage.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(OUTPUT, 'sandbox-console.png') });
  }, 150_000);

  it('draws emoji with its own font, shows links as links, keeps field words whole and clears unread counts', async () => {
    onTestFailed(shoot('sandbox-rendering'));
    await openChannel('team-checkout');
    // Shortcodes became characters in an .emoji span, and the page's own font draws them.
    const emoji = page.locator('.msg .emoji').first();
    await emoji.waitFor();
    expect(await page.locator('.msg', { hasText: /:[a-z_]+:/ }).count()).toBe(0);
    // Evaluated in the page (this file has no DOM types).
    const faces = await page.evaluate(
      `document.fonts.load('16px "Noto Emoji"', '✅').then((found) => found.length)`,
    );
    expect(faces).toBeGreaterThan(0);
    // The glyph really paints: a font can load and still draw nothing (a colour emoji font's
    // COLR glyphs in headless Chromium), so count the dark pixels of the span's screenshot.
    await emoji.scrollIntoViewIfNeeded();
    expect(await inkIn(emoji)).toBeGreaterThan(20);
    // Links are anchors, not text.
    expect(await page.locator('.msg a[href^="http"]').count()).toBeGreaterThan(0);
    // No field squeezes a word across lines: each fits its column.
    const squeezed = await page.$$eval('.field', (fields) =>
      fields.filter((f) => f.scrollWidth > f.clientWidth + 1).map((f) => f.textContent),
    );
    expect(squeezed).toEqual([]);
    // No message names a moment as raw ISO text (code quotes literal text and is left out):
    // the bot sends date tokens, which the console shows as Slack does ("Today 12:44").
    const rawTimes = `[...document.querySelectorAll('.msg')].map((m) => {
      const copy = m.cloneNode(true);
      copy.querySelectorAll('pre, code').forEach((c) => c.remove());
      return copy.textContent;
    }).filter((t) => /\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}/.test(t))`;
    expect(await page.evaluate(rawTimes)).toEqual([]);
    // Opening a channel reads it: leaving it again leaves no unread count behind.
    await openChannel('mc-ops');
    expect(await page.evaluate(rawTimes)).toEqual([]);
    const checkout = page.locator('#channels li', { hasText: '# team-checkout' });
    await expect.poll(() => checkout.locator('.count').count()).toBe(0);
    // A toast never takes a click meant for a button under it.
    expect(
      await page.evaluate(`getComputedStyle(document.getElementById('toast')).pointerEvents`),
    ).toBe('none');
  }, 60_000);
});
