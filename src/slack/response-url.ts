import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/** Posts a message to a response_url; rejects on a non-2xx answer or a timeout. */
export type PostToResponseUrl = (responseUrl: string, message: object) => Promise<void>;

// Slack's response_urls live on hooks.slack.com (GovSlack: slack-gov.com).
const SLACK_HOSTS = /^(?:[a-z0-9-]+\.)*(?:slack\.com|slack-gov\.com)$/;

/**
 * Why a response_url must not be posted to, or null when it may: only https on Slack's own
 * hosts, or the host of SLACK_API_URL (an emulator, a proxy) when that is set. Anything else
 * would let a forged or replayed payload make the bot POST to any address it can reach.
 */
export function refuseResponseUrl(responseUrl: string, slackApiUrl?: string): string | null {
  let url: URL;
  try {
    url = new URL(responseUrl);
  } catch {
    return 'response_url is not a URL';
  }
  if (slackApiUrl && url.host === new URL(slackApiUrl).host) return null;
  if (url.protocol !== 'https:') return `response_url must be https, not ${url.protocol}`;
  if (!SLACK_HOSTS.test(url.hostname)) return `response_url host ${url.hostname} is not Slack's`;
  return null;
}

/**
 * A response_url poster over keep-alive sockets. Bolt's respond() uses fetch, which costs
 * several times more CPU per call on Node 20; that CPU is taken from the acks of the next
 * requests, so the ack benchmark pays for it.
 */
export function createResponseUrlPoster(
  options: { timeoutMs?: number; slackApiUrl?: string } = {},
): {
  post: PostToResponseUrl;
  close(): void;
} {
  const http = new HttpAgent({ keepAlive: true, maxSockets: 50 });
  const https = new HttpsAgent({ keepAlive: true, maxSockets: 50 });
  const timeoutMs = options.timeoutMs ?? 10_000;
  const post: PostToResponseUrl = (responseUrl, message) =>
    new Promise((resolve, reject) => {
      const refused = refuseResponseUrl(responseUrl, options.slackApiUrl);
      if (refused) {
        reject(new Error(`${refused}; nothing was posted`));
        return;
      }
      const url = new URL(responseUrl);
      const secure = url.protocol === 'https:';
      const body = JSON.stringify(message);
      const send = secure ? httpsRequest : httpRequest;
      const req = send(
        url,
        {
          method: 'POST',
          agent: secure ? https : http,
          headers: {
            'content-type': 'application/json; charset=utf-8',
            'content-length': Buffer.byteLength(body),
          },
          timeout: timeoutMs,
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            if (status >= 200 && status < 300) resolve();
            else
              reject(
                new Error(`response_url answered ${status} ${res.statusMessage ?? ''}`.trim()),
              );
          });
        },
      );
      req.on('timeout', () =>
        req.destroy(new Error(`response_url timed out after ${timeoutMs} ms`)),
      );
      req.on('error', reject);
      req.end(body);
    });
  return {
    post,
    close() {
      http.destroy();
      https.destroy();
    },
  };
}
