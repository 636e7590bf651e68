import { describe } from 'vitest';
import { ledgerSuite } from './support/ledger-suite.ts';
import { openPgliteStore } from './support/test-store.ts';

describe('src/evidence/ledger on PGlite', () => {
  ledgerSuite(openPgliteStore);
});
