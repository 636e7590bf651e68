import { describe } from 'vitest';
import { openPostgresDb } from '../../src/store/postgres-db.ts';
import { createTestDatabase, postgresSkipReason } from '../support/postgres.ts';
import { captureLogs } from '../support/slack-logs.ts';
import { describeStoreContract } from './store-contract.ts';

describe.skipIf(postgresSkipReason() !== null)('src/store/postgres-db', () => {
  describeStoreContract('PostgreSQL 15', async () => {
    const { log } = captureLogs();
    const database = await createTestDatabase();
    const db = await openPostgresDb({ url: database.url, log });
    return {
      db,
      again: () => openPostgresDb({ url: database.url, log }),
      dispose: async () => {
        await db.close();
        await database.drop();
      },
    };
  });
});
