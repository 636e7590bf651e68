import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { createAcksPending, trackAck, yieldToAcks } from '../../src/slack/ack-first.ts';

describe('src/slack/ack-first', () => {
  it('holds work back until every pending Slack request is answered', async () => {
    const pending = createAcksPending();
    const first = new EventEmitter();
    const second = new EventEmitter();
    trackAck(pending, first);
    trackAck(pending, second);
    const order: string[] = [];
    const work = yieldToAcks(pending, 60_000).then(() => order.push('work'));
    await new Promise((resolve) => setImmediate(resolve));
    first.emit('close');
    order.push('first answered');
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual(['first answered']);
    second.emit('close');
    order.push('second answered');
    await work;
    expect(order).toEqual(['first answered', 'second answered', 'work']);
    expect(pending).toMatchObject({ count: 0, waiters: new Set() });
  });

  it('lets work run after maxWaitMs under a stream of requests that never ends', async () => {
    const pending = createAcksPending();
    trackAck(pending, new EventEmitter());
    await yieldToAcks(pending, 5);
    expect(pending.count).toBe(1);
    expect(pending.waiters.size).toBe(0);
  });

  it('only yields to I/O without a counter (Socket Mode)', async () => {
    await expect(yieldToAcks(undefined)).resolves.toBeUndefined();
  });
});
