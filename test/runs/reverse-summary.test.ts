import { describe, expect, it } from 'vitest';
import { reverseSummary } from '../../src/runs/reverse-summary.ts';

describe('src/runs/reverse-summary', () => {
  it.each([
    [
      'checkout/prod rollback: revision 3 (1.4.2) → revision 2 (1.4.1), 6 pods',
      'checkout/prod back: revision 2 (1.4.1) → revision 3 (1.4.2), 6 pods',
    ],
    [
      'checkout/prod image `shop/checkout:1.4.1` → `shop/checkout:1.4.2`, 6 pods',
      'checkout/prod image `shop/checkout:1.4.2` → `shop/checkout:1.4.1`, 6 pods',
    ],
    ['checkout/prod replicas 3 → 6', 'checkout/prod replicas 6 → 3'],
    ['silence 2 alerts for 1h', 'put back what it changed (silence 2 alerts for 1h)'],
  ])('%s', (summary, reversed) => {
    expect(reverseSummary(summary)).toBe(reversed);
  });
});
