import { describe } from 'vitest';
import { postgresSkipReason } from '../support/postgres.ts';
import { ledgerSuite } from './support/ledger-suite.ts';
import { openPostgresStore } from './support/test-store.ts';

describe.skipIf(postgresSkipReason() !== null)('src/evidence/ledger on PostgreSQL', () => {
  ledgerSuite(openPostgresStore);
});
