import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/** Posts a message to a response_url; rejects on a non-2xx answer or a timeout. */
export type PostToResponseUrl = (responseUrl: string, message: object) => Promise<void>;

/**
 * A response_url poster over keep-alive sockets. Bolt's respond() uses fetch, which costs
 * several times more CPU per call on Node 20; that CPU is taken from the acks of the next
 * requests, so the ack benchmark pays for it.
 */
export function createResponseUrlPoster(options: { timeoutMs?: number } = {}): {
  post: PostToResponseUrl;
  close(): void;
} {
  const http = new HttpAgent({ keepAlive: true, maxSockets: 50 });
  const https = new HttpsAgent({ keepAlive: true, maxSockets: 50 });
  const timeoutMs = options.timeoutMs ?? 10_000;
  const post: PostToResponseUrl = (responseUrl, message) =>
    new Promise((resolve, reject) => {
      const url = new URL(responseUrl);
      const secure = url.protocol === 'https:';
      if (!secure && url.protocol !== 'http:') {
        reject(new Error(`response_url has an unsupported scheme: ${url.protocol}`));
        return;
      }
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
