import type { Migration } from './migrate.ts';

/** A change in a migration that code of the previous release cannot live with. */
export interface IncompatibleChange {
  file: string;
  statement: string;
  why: string;
}

/**
 * `-- contract: NNN why` on a line of its own: this migration removes what expand migration
 * NNN replaced, one release ago; no code still running may need it.
 */
const CONTRACT = /^--\s*contract:\s*(\d{3})\b/m;

function withoutComments(sql: string): string {
  return sql.replace(/--[^\n]*/g, ' ').replace(/\/\*[\s\S]*?\*\//g, ' ');
}

function statements(sql: string): string[] {
  return withoutComments(sql)
    .split(';')
    .map((s) => s.replace(/\s+/g, ' ').trim())
    .filter((s) => s.length > 0);
}

const TABLE_OF_ALTER = /^ALTER TABLE (?:IF EXISTS )?(?:ONLY )?"?([a-z0-9_]+)"?/i;
const CREATED_TABLE = /^CREATE TABLE (?:IF NOT EXISTS )?"?([a-z0-9_]+)"?/i;
const ADDED_COLUMN = /\bADD (?:COLUMN )?(?:IF NOT EXISTS )?"?([a-z0-9_]+)"?/i;
const UNIQUE_INDEX =
  /^CREATE UNIQUE INDEX .*? ON (?:ONLY )?"?([a-z0-9_]+)"? (?:USING [a-z]+ )?\(([^)]*)\)/i;

/** What this migration itself creates: tables, columns (table.column), constraints dropped. */
interface Fresh {
  tables: Set<string>;
  columns: Set<string>;
  droppedConstraints: Set<string>;
}

function freshOf(list: string[]): Fresh {
  const fresh: Fresh = { tables: new Set(), columns: new Set(), droppedConstraints: new Set() };
  for (const statement of list) {
    const created = CREATED_TABLE.exec(statement)?.[1];
    if (created) fresh.tables.add(created.toLowerCase());
    const table = TABLE_OF_ALTER.exec(statement)?.[1]?.toLowerCase();
    const column = ADDED_COLUMN.exec(statement)?.[1]?.toLowerCase();
    if (table && column && column !== 'constraint') fresh.columns.add(`${table}.${column}`);
    const dropped = /\bDROP CONSTRAINT (?:IF EXISTS )?"?([a-z0-9_]+)"?/i.exec(statement)?.[1];
    if (dropped) fresh.droppedConstraints.add(dropped.toLowerCase());
  }
  return fresh;
}

/** Why one statement breaks code of the previous release, or undefined when it does not. */
function breaks(statement: string, fresh: Fresh): string | undefined {
  const s = statement.toUpperCase();
  if (/^DROP (TABLE|VIEW|TYPE|FUNCTION|SCHEMA)\b/.test(s))
    return 'drops what running code may still read or write';
  if (/\bRENAME\b/.test(s)) return 'renames what running code names';
  const unique = UNIQUE_INDEX.exec(statement);
  if (unique) {
    const table = (unique[1] ?? '').toLowerCase();
    const columns = (unique[2] ?? '').split(',').map((c) => c.trim().toLowerCase());
    // Old code leaves a new column NULL, and NULLs never clash in a unique index.
    const anyNew = columns.some((c) => fresh.columns.has(`${table}.${c}`));
    if (fresh.tables.has(table) || anyNew) return undefined;
    return 'adds a unique index over columns running code writes: its inserts may fail';
  }
  const table = TABLE_OF_ALTER.exec(statement)?.[1]?.toLowerCase();
  if (!table || fresh.tables.has(table)) return undefined;
  if (/\bDROP DEFAULT\b/.test(s)) return "removes a default running code's inserts rely on";
  if (/\bDROP (?!CONSTRAINT\b|NOT NULL\b|DEFAULT\b)/.test(s))
    return 'drops a column running code may still read or write';
  if (/\b(SET DATA )?TYPE\b/.test(s)) return 'changes a column type under running code';
  if (/\bSET NOT NULL\b/.test(s)) return 'makes a column required that running code leaves out';
  const addsRequired = /\bADD (COLUMN )?(?!CONSTRAINT\b).*\bNOT NULL\b/.test(s);
  if (addsRequired && !/\bDEFAULT\b/.test(s))
    return 'adds a required column without a default: running code inserts fail';
  const constraint = /\bADD CONSTRAINT "?([A-Z0-9_]+)"?/.exec(s)?.[1]?.toLowerCase();
  if (constraint && !fresh.droppedConstraints.has(constraint))
    return 'adds a constraint to an existing table (expand may only replace one of the same name)';
  return undefined;
}

/**
 * What in `migration` breaks code of the previous release running on the same database
 * (rolling upgrades: expand, then contract). Expand only adds: tables, nullable or defaulted
 * columns, indexes, and replaces a constraint by one of the same name. A migration marked
 * `-- contract: NNN` (NNN an earlier migration) is allowed to remove what NNN superseded.
 */
export function incompatibleChanges(migration: Migration): IncompatibleChange[] {
  const contract = CONTRACT.exec(migration.sql);
  if (contract && Number(contract[1]) < migration.version) return [];
  const list = statements(migration.sql);
  const fresh = freshOf(list);
  const found: IncompatibleChange[] = [];
  for (const statement of list) {
    const why = breaks(statement, fresh);
    if (why) found.push({ file: migration.file, statement, why });
  }
  if (contract) {
    found.push({
      file: migration.file,
      statement: contract[0],
      why: `a contract step must name an earlier (expand) migration, not ${contract[1]}`,
    });
  }
  return found;
}
