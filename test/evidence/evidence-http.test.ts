import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { CustomRoute } from '@slack/bolt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEvidenceService } from '../../src/evidence/evidence-service.ts';
import { evidenceRoutes } from '../../src/evidence/http/evidence-routes.ts';
import { createLedger } from '../../src/evidence/ledger/create-ledger.ts';
import type { RecordedEvidence } from '../../src/evidence/record-evidence.ts';
import {
  loadOrCreateSigningKey,
  publicKeyFromPem,
} from '../../src/evidence/signing/signing-key.ts';
import { verifyEvidenceBundle } from '../../src/evidence/signing/verify-bundle.ts';
import { matchRoute } from '../../src/http/match-route.ts';
import type { HttpRoute } from '../../src/http/route.ts';
import { openPgliteStore, type TestStore } from './support/test-store.ts';

const XSS = '<script>alert("pwned")</script>';

describe('src/evidence/http', () => {
  let store: TestStore;
  let dir: string;
  let server: Server;
  let base: string;
  let recorded: RecordedEvidence;
  let boltRoutes: ReturnType<typeof evidenceRoutes>;

  beforeAll(async () => {
    store = await openPgliteStore();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'mc-evidence-http-'));
    const key = await loadOrCreateSigningKey({ dataDir: dir });
    server = createServer((req, res) => {
      // Served as the bot's front server serves routes outside Bolt (Socket Mode).
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      const match = matchRoute(boltRoutes as HttpRoute[], req.method ?? 'GET', path);
      if (!match) return void res.writeHead(404).end('no route');
      match.route.handler(Object.assign(req, { params: match.params }), res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const ledger = createLedger(store.db);
    const evidence = createEvidenceService({ db: store.db, ledger, key, publicUrl: base });
    boltRoutes = evidenceRoutes({ evidence, publicUrl: base });
    recorded = await evidence.record({
      kind: 'drill.completed',
      subject: 'checkout/staging',
      summary: `pod-kill drill ${XSS} & "friends"`,
      actor: `U0ALICE ${XSS}`,
      body: { note: XSS, attr: '" onmouseover="alert(1)' },
    });
  });
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await store?.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('serves a readable page with every user string escaped and the verification commands', async () => {
    const res = await fetch(recorded.url, { headers: { accept: 'text/html,*/*;q=0.8' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await res.text();
    expect(html).not.toContain('<script');
    expect(html).not.toContain('" onmouseover');
    expect(html).toContain(
      'pod-kill drill &lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt; &amp; &quot;friends&quot;',
    );
    expect(html).toContain('U0ALICE &lt;script&gt;');
    expect(html).toContain(
      '&quot;note&quot;: &quot;&lt;script&gt;alert(\\&quot;pwned\\&quot;)&lt;/script&gt;&quot;',
    );
    expect(html).toContain('drill.completed');
    expect(html).toContain(`<dt>Ledger seq</dt><dd>${recorded.ledgerSeq}</dd>`);
    expect(html).toContain(recorded.digest);
    expect(html).toContain(`curl -o bundle.json ${recorded.url}/bundle`);
    expect(html).toContain(
      `curl -H &#39;Accept: application/json&#39; -o doc.json ${recorded.url}`,
    );
    expect(html).toContain(`curl -o key.pem ${base}/evidence/keys`);
    expect(html).toContain('mc evidence verify bundle.json --document doc.json --key key.pem');
  });

  it('serves the exact signed document as JSON, the bundle, and the key: they verify together', async () => {
    const doc = await fetch(recorded.url, { headers: { accept: 'application/json' } });
    expect(doc.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const docBytes = Buffer.from(await doc.arrayBuffer());
    expect(createHash('sha256').update(docBytes).digest('hex')).toBe(recorded.digest);
    expect(JSON.parse(docBytes.toString()).summary).toContain(XSS);

    const bundle = await (await fetch(`${recorded.url}/bundle`)).json();
    const keys = await fetch(`${base}/evidence/keys`);
    expect(keys.status).toBe(200);
    const key = publicKeyFromPem(await keys.text());
    expect(verifyEvidenceBundle(bundle, { key, document: docBytes })).toMatchObject({ ok: true });
  });

  it("fits Bolt's customRoutes shape, keys before :id", () => {
    const routes: CustomRoute[] = boltRoutes; // compile-time check of the descriptor shape
    expect(routes.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /evidence/keys',
      'GET /evidence/:id/bundle',
      'GET /evidence/:id',
    ]);
  });

  it('answers 404 for unknown ids and 400 for malformed ones, as HTML or JSON', async () => {
    const unknown = await fetch(`${base}/evidence/ev_aaaaaaaaaaaaaaaa`);
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain('No evidence with id ev_aaaaaaaaaaaaaaaa.');
    const unknownBundle = await fetch(`${base}/evidence/ev_aaaaaaaaaaaaaaaa/bundle`);
    expect(unknownBundle.status).toBe(404);
    const malformed = await fetch(`${base}/evidence/${encodeURIComponent(XSS)}`);
    expect(malformed.status).toBe(400);
    const body = await malformed.text();
    expect(body).not.toContain('<script>');
    expect(body).toContain('&lt;script&gt;');
    const json = await fetch(`${base}/evidence/nope`, { headers: { accept: 'application/json' } });
    expect(json.status).toBe(400);
    expect(await json.json()).toEqual({ error: expect.stringContaining('is not an evidence id') });
  });
});
