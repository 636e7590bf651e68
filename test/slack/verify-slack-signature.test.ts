import { describe, expect, it } from 'vitest';
import { signSlackRequest } from '../../src/sandbox/slack/sign-request.ts';
import { verifySlackSignature } from '../../src/slack/verify-slack-signature.ts';

const SECRET = 'unit-signing-secret-123';
const NOW = 1_700_000_000_000;
const body = Buffer.from('command=%2Fmc&text=help');

function headers(overrides: Record<string, string | undefined> = {}) {
  return { ...signSlackRequest(SECRET, body.toString(), NOW / 1000), ...overrides };
}

describe('slack/verify-slack-signature', () => {
  it('accepts what the signer produced, within the five-minute window either side', () => {
    expect(verifySlackSignature(SECRET, headers(), body, NOW)).toEqual({ ok: true });
    expect(verifySlackSignature(SECRET, headers(), body, NOW + 299_000)).toEqual({ ok: true });
    expect(verifySlackSignature(SECRET, headers(), body, NOW - 299_000)).toEqual({ ok: true });
  });

  it.each([
    ['no signature', headers({ 'x-slack-signature': undefined }), NOW, 'missing_signature'],
    ['no timestamp', headers({ 'x-slack-request-timestamp': undefined }), NOW, 'missing_signature'],
    [
      'timestamp not a number',
      headers({ 'x-slack-request-timestamp': 'soon' }),
      NOW,
      'stale_timestamp',
    ],
    ['older than five minutes', headers(), NOW + 301_000, 'stale_timestamp'],
    ['from the future', headers(), NOW - 301_000, 'stale_timestamp'],
    ['unknown version', headers({ 'x-slack-signature': 'v1=abcd' }), NOW, 'bad_signature'],
    ['not hex', headers({ 'x-slack-signature': 'v0=zz' }), NOW, 'bad_signature'],
    [
      'other secret',
      signSlackRequest('another-secret', body.toString(), NOW / 1000),
      NOW,
      'bad_signature',
    ],
  ])('refuses %s', (_name, given, now, reason) => {
    expect(verifySlackSignature(SECRET, given, body, now)).toEqual({ ok: false, reason });
  });

  it('refuses a body changed after signing', () => {
    const tampered = Buffer.from('command=%2Fmc&text=deploy');
    expect(verifySlackSignature(SECRET, headers(), tampered, NOW)).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
  });

  it('matches the documented example signature', () => {
    // Example from Slack's "Verifying requests from Slack" guide.
    const secret = '8f742231b10e8888abcd99yyyzzz85a5';
    const raw =
      'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
    expect(signSlackRequest(secret, raw, 1531420618)['x-slack-signature']).toBe(
      'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
    );
  });
});
