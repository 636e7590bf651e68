import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../../scripts/observability.ts';
import { createAlertmanagerClient } from '../../../src/adapters/alertmanager/create-alertmanager-client.ts';
import { silentLog } from '../../triage/world.ts';
import { apiAlert, startFakeAlertmanager } from './fake-alertmanager.ts';
import { CHECKOUT_CHANNEL, readable, startTriageWorld, type TriageWorld } from './world.ts';

const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
const PAGE_ID = 'Q2W3E4R5T6Y7U8';

describe('/mc triage (src/slack/triage/triage-command)', () => {
  let world: TriageWorld;
  let am: Awaited<ReturnType<typeof startFakeAlertmanager>> | undefined;
  afterEach(async () => {
    await world?.close();
    await am?.close();
    am = undefined;
  });

  async function ask(text: string) {
    const id = await world.command(text);
    const [answer] = await world.until(
      `the answer to ${text}`,
      () => world.answers(id)[0] && world.answers(id),
    );
    return readable(answer!);
  }

  it('pulls firing alerts and open PagerDuty incidents of a service and posts one suggestion', async () => {
    am = await startFakeAlertmanager();
    am.state.alerts = [
      apiAlert(
        'KubePodCrashLooping',
        'fa1',
        { service: 'checkout', env: 'prod', namespace: 'checkout' },
        ago(6),
      ),
    ];
    world = await startTriageWorld({
      minPostIntervalMs: 100,
      pagerduty: true,
      alertmanager: am.client,
    });
    world.pd!.seedIncident({
      id: PAGE_ID,
      title: 'Checkout pods keep restarting',
      serviceId: 'PCHK7Q2',
    });

    const answer = await ask('triage checkout');
    expect(answer).toMatch(
      /Triage of checkout: 1 firing alert, 1 open PagerDuty incident → 1 incident/,
    );
    expect(answer).toMatch(
      /`inc-\d+` checkout\/prod: KubePodCrashLooping and 1 more — suggested `pod-crashloop`/,
    );
    expect(answer).toMatch(/message in #team-checkout/);
    const [query] = am.queries;
    expect(query?.getAll('filter')).toEqual(['service="checkout"']);
    expect([query?.get('active'), query?.get('silenced'), query?.get('inhibited')]).toEqual([
      'true',
      'false',
      'false',
    ]);
    const list = world.pd!.requests.find((r) => r.method === 'GET' && r.path === '/incidents');
    expect(list?.query['service_ids[]']).toEqual(['PCHK7Q2']);

    const message = await world.until('the suggestion message', () => world.posts()[0]);
    expect(readable(message)).toMatch(/KubePodCrashLooping[\s\S]*PagerDuty #1/);
    // Asked again: the same incident, the same single message.
    const again = await ask('triage checkout');
    expect(again).toMatch(/→ 1 incident/);
    await world.triage.poster.idle();
    expect(world.posts()).toHaveLength(1);
    expect(world.slack.calls('chat.postMessage')).toHaveLength(1);
  });

  it('takes a PagerDuty incident id (or link) and finds its service from the catalog', async () => {
    am = await startFakeAlertmanager();
    world = await startTriageWorld({
      minPostIntervalMs: 100,
      pagerduty: true,
      alertmanager: am.client,
    });
    world.pd!.seedIncident({
      id: PAGE_ID,
      title: 'Checkout queue backlog growing',
      serviceId: 'PCHK7Q2',
    });
    const answer = await ask(`triage https://acme.pagerduty.com/incidents/${PAGE_ID}`);
    expect(answer).toMatch(
      new RegExp(
        `Triage of PagerDuty incident ${PAGE_ID}: 0 firing alerts, 1 open PagerDuty incident → 1 incident`,
      ),
    );
    expect(answer).toMatch(/suggested `queue-backlog`/);
    expect(am.queries[0]?.getAll('filter')).toEqual(['service="checkout"']);
    await world.until('the message', () => world.posts(CHECKOUT_CHANNEL)[0]);
  });

  it('says clearly when Alertmanager and PagerDuty are not configured, and posts nothing', async () => {
    world = await startTriageWorld({ minPostIntervalMs: 100 });
    const answer = await ask('triage checkout');
    expect(answer).toMatch(/PagerDuty is not configured \(set `PAGERDUTY_TOKEN`\)/);
    expect(answer).toMatch(/Alertmanager is not configured \(set `ALERTMANAGER_URL`\)/);
    expect(answer).toContain(
      'Could not triage checkout: firing alerts not read, PagerDuty incidents not read.',
    );
    expect(world.slack.calls('chat.postMessage')).toEqual([]);
  });

  it('goes on with PagerDuty when Alertmanager is unreachable, and says so', async () => {
    const down = createAlertmanagerClient({
      url: `http://127.0.0.1:${await freePort()}`,
      timeoutMs: 1_000,
      log: silentLog,
    });
    world = await startTriageWorld({ minPostIntervalMs: 100, pagerduty: true, alertmanager: down });
    world.pd!.seedIncident({ id: PAGE_ID, title: 'Checkout crash loop', serviceId: 'PCHK7Q2' });
    const answer = await ask('triage');
    expect(answer).toMatch(
      // Alertmanager did not answer: no count is claimed for it.
      /Triage of every service: firing alerts not read, 1 open PagerDuty incident → 1 incident/,
    );
    expect(answer).not.toContain('0 firing alerts');
    expect(answer).toMatch(/Alertmanager at http:\/\/127\.0\.0\.1:\d+ did not answer/);
    await world.until('the message', () => world.posts()[0]);
  });

  it('answers an unknown PagerDuty incident with what to check', async () => {
    world = await startTriageWorld({ minPostIntervalMs: 100, pagerduty: true });
    const answer = await ask('triage QNOSUCHINCIDENT1');
    expect(answer).toMatch(/PagerDuty has no incident `QNOSUCHINCIDENT1`/);
    expect(world.slack.calls('chat.postMessage')).toEqual([]);
  });
});
