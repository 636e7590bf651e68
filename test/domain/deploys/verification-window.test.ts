import { describe, expect, it } from 'vitest';
import {
  describeInterval,
  describeVerdict,
  formatValue,
} from '../../../src/domain/deploys/describe-verification.ts';
import {
  abortWindow,
  type CheckOutcome,
  continueWindow,
  startWindow,
  stepWindow,
  type WindowState,
} from '../../../src/domain/deploys/verification-window.ts';

const check = (name: string, status: CheckOutcome['status'], value?: number): CheckOutcome => ({
  name,
  query: `${name}_query`,
  comparison: name === 'latency-p95' ? '<=' : '<',
  threshold: name === 'latency-p95' ? 0.4 : 0.01,
  status,
  ...(value === undefined ? {} : { value }),
  reason: `${name} is ${status}`,
  graphUrl: `http://prom/graph?g0.expr=${name}`,
});

const P = [check('error-ratio', 'passed', 0.001), check('latency-p95', 'passed', 0.1)];
const F = [check('error-ratio', 'failed', 0.2), check('latency-p95', 'passed', 0.1)];
const U = [check('error-ratio', 'passed', 0.001), check('latency-p95', 'inconclusive')];
const FU = [check('error-ratio', 'inconclusive'), check('latency-p95', 'failed', 0.9)];

function run(intervals: CheckOutcome[][], settings = {}): WindowState {
  return intervals.reduce(stepWindow, startWindow(settings));
}

describe('domain/deploys/verification-window', () => {
  it.each([
    { name: '3 healthy intervals promote', feed: [P, P, P], status: 'healthy', intervals: 3 },
    { name: '2 healthy intervals keep watching', feed: [P, P], status: 'watching', intervals: 2 },
    { name: 'a failed check breaches at once', feed: [P, F], status: 'breached', intervals: 2 },
    { name: 'an inconclusive check pauses', feed: [P, P, U], status: 'inconclusive', intervals: 3 },
    { name: 'failed wins over inconclusive', feed: [FU], status: 'breached', intervals: 1 },
    { name: 'no checks at all pauses', feed: [[]], status: 'inconclusive', intervals: 1 },
    {
      name: 'a finished window ignores more',
      feed: [F, P, P, P],
      status: 'breached',
      intervals: 1,
    },
    {
      name: 'required 1 promotes after one interval',
      feed: [P],
      status: 'healthy',
      intervals: 1,
      settings: { required: 1 },
    },
  ])('$name', ({ feed, status, intervals, settings }) => {
    const state = run(feed, settings);
    expect(state.status).toBe(status);
    expect(state.intervals).toBe(intervals);
  });

  it('names the breaching check with its query, value, threshold and graph link', () => {
    const state = run([P, F]);
    expect(state.breach).toMatchObject({
      name: 'error-ratio',
      query: 'error-ratio_query',
      value: 0.2,
      threshold: 0.01,
      graphUrl: 'http://prom/graph?g0.expr=error-ratio',
    });
    expect(describeVerdict(state)).toEqual([
      'SLO breach: error-ratio = 0.2, threshold < 0.01',
      'query: error-ratio_query',
      'graph: http://prom/graph?g0.expr=error-ratio',
    ]);
  });

  it('never promotes past an inconclusive interval, and Continue restarts the streak', () => {
    const paused = run([P, P, U]);
    expect(paused.status).toBe('inconclusive');
    expect(paused.unclear?.map((c) => c.name)).toEqual(['latency-p95']);
    expect(paused.reason).toMatch(/latency-p95: latency-p95 is inconclusive.*person must decide/);
    const continued = continueWindow(paused);
    expect(continued).toMatchObject({ status: 'watching', streak: 0, intervals: 3 });
    expect(stepWindow(stepWindow(continued, P), P).status).toBe('watching');
    expect([P, P, P].reduce(stepWindow, continued)).toMatchObject({
      status: 'healthy',
      intervals: 6,
    });
  });

  it('gives up as inconclusive when maxIntervals are spent without a healthy streak', () => {
    const paused = run([P, U], { required: 3, maxIntervals: 4 });
    const continued = continueWindow(paused);
    const spent = [P, P].reduce(stepWindow, continued);
    expect(spent).toMatchObject({ status: 'inconclusive', intervals: 4, streak: 2 });
    expect(spent.reason).toMatch(/4 intervals passed without 3 consecutive healthy ones/);
    expect(continueWindow(spent).status).toBe('inconclusive');
  });

  it('aborts only a watching window', () => {
    expect(abortWindow(run([P]), 'shutting down')).toMatchObject({
      status: 'aborted',
      reason: 'verification stopped: shutting down',
    });
    expect(abortWindow(run([F]), 'late').status).toBe('breached');
  });

  it.each([
    [{ required: 0 }, /required healthy intervals/],
    [{ required: 1.5 }, /required healthy intervals/],
    [{ required: 3, maxIntervals: 2 }, /maxIntervals must be a whole number >= required/],
  ])('rejects settings %o', (settings, message) => {
    expect(() => startWindow(settings)).toThrow(message);
  });

  it('describes an interval for the thread', () => {
    const state = run([P, P]);
    expect(describeInterval(state, P)).toBe(
      'interval 2 · 2 of 3 healthy · error-ratio 0.001 < 0.01 ok · latency-p95 0.1 <= 0.4 ok',
    );
    const paused = run([U]);
    expect(describeInterval(paused, U)).toBe(
      'interval 1 · inconclusive · error-ratio 0.001 < 0.01 ok · latency-p95 ? <= 0.4 unknown',
    );
  });

  it.each([
    [0.012345, '0.01235'],
    [Number.NaN, 'NaN'],
    [Number.POSITIVE_INFINITY, '+Inf'],
    [undefined, 'no value'],
  ])('formats %s as %s', (value, text) => {
    expect(formatValue(value)).toBe(text);
  });
});
