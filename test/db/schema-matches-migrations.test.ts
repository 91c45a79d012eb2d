import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableDialects, openTestDatabase, type TestDatabase } from '../support/databases.js';

/**
 * The Kysely schema (src/db/schema.ts) is what the code believes the database holds; the
 * migrations are what it holds. After migrateToLatest, both dialects have exactly the tables
 * and columns that `interface Schema` declares, with the same nullability.
 */
const SCHEMA_FILE = new URL('../../src/db/schema.ts', import.meta.url);

type Columns = Record<string, { nullable: boolean }>;

/** `interface Schema { table: XTable }` read with the TypeScript compiler: table → column → nullable. */
function declaredSchema(): Record<string, Columns> {
  const source = ts.createSourceFile('schema.ts', readFileSync(SCHEMA_FILE, 'utf8'), ts.ScriptTarget.Latest, true);
  const interfaces = new Map<string, ts.InterfaceDeclaration>();
  source.forEachChild((node) => {
    if (ts.isInterfaceDeclaration(node)) interfaces.set(node.name.text, node);
  });
  const membersOf = (name: string) => {
    const decl = interfaces.get(name);
    if (!decl) throw new Error(`schema.ts: no interface ${name}`);
    return decl.members.filter(ts.isPropertySignature);
  };
  const nullable = (type: ts.TypeNode | undefined): boolean => {
    if (!type) return false;
    if (ts.isUnionTypeNode(type)) return type.types.some(nullable);
    if (ts.isLiteralTypeNode(type)) return type.literal.kind === ts.SyntaxKind.NullKeyword;
    // Generated<T>, ColumnType<S, I, U>: the selected type is the first argument.
    if (ts.isTypeReferenceNode(type) && type.typeArguments?.[0]) return nullable(type.typeArguments[0]);
    // Json is `unknown`: the column's nullability is said by an explicit `| null`.
    return false;
  };
  const tables: Record<string, Columns> = {};
  for (const table of membersOf('Schema')) {
    const type = table.type;
    if (!type || !ts.isTypeReferenceNode(type)) throw new Error(`Schema.${table.name.getText()}: expected an interface name`);
    const columns: Columns = {};
    for (const col of membersOf(type.typeName.getText())) columns[col.name.getText()] = { nullable: nullable(col.type) };
    tables[table.name.getText()] = columns;
  }
  return tables;
}

/** Tables Kysely's migrator keeps, and the weekly partitions of measurements made at run time on PostgreSQL. */
const NOT_POLDERS = /^kysely_migration|^measurements_w\d{8}$/;
/**
 * Tables schema.ts declares that only SQLite has: how a device's traces are listed there, and the
 * two tables of measurements under SQLite's `measurements` view (migration 20261204-1430-measurements-recent)
 * with the list of datastreams in the recent one (migration 20261205-0900-recent-by-time).
 */
const SQLITE_ONLY = ['trace_devices', 'trace_device_folds', 'measurements_folded', 'measurements_recent', 'recent_streams'];
/** Views: SQLite's `measurements`, the union of its two tables, with their columns. */
const SQLITE_VIEWS = ['measurements'];

const dialects = await availableDialects();

describe.each(dialects)('src/db/schema.ts and the migrations on %s', (dialect) => {
  let tdb: TestDatabase;
  beforeAll(async () => {
    tdb = await openTestDatabase(dialect);
  });
  afterAll(() => tdb?.drop());

  it('have the same tables, columns and nullability', async () => {
    const declared = declaredSchema();
    if (dialect !== 'sqlite') for (const t of SQLITE_ONLY) delete declared[t];
    const tables = await tdb.database.db.introspection.getTables();
    if (dialect === 'sqlite')
      for (const view of SQLITE_VIEWS) {
        const found = tables.find((t) => t.name === view);
        expect(found?.isView).toBe(true);
        expect(found?.columns.map((c) => c.name).sort()).toEqual(Object.keys(declared[view] ?? {}).sort());
        delete declared[view];
      }
    const migrated: Record<string, Columns> = {};
    for (const t of tables) {
      if (t.isView || t.schema === 'information_schema' || NOT_POLDERS.test(t.name)) continue;
      // SQLite lets a text PRIMARY KEY hold NULL unless it says NOT NULL; Polder never writes one.
      const keys =
        tdb.database.dialect === 'sqlite'
          ? (
              await sql<{ name: string }>`select name from pragma_table_info(${t.name}) where pk > 0`.execute(tdb.database.db)
            ).rows.map((r) => r.name)
          : [];
      migrated[t.name] = Object.fromEntries(t.columns.map((c) => [c.name, { nullable: c.isNullable && !keys.includes(c.name) }]));
    }
    expect(Object.keys(declared).sort()).toEqual(Object.keys(migrated).sort());
    const differences: string[] = [];
    for (const [table, columns] of Object.entries(declared)) {
      const actual = migrated[table] ?? {};
      for (const c of new Set([...Object.keys(columns), ...Object.keys(actual)])) {
        const want = columns[c];
        const got = actual[c];
        if (!want) differences.push(`${table}.${c}: in the database, not in schema.ts`);
        else if (!got) differences.push(`${table}.${c}: in schema.ts, not in the database`);
        else if (want.nullable !== got.nullable)
          differences.push(`${table}.${c}: ${got.nullable ? 'nullable' : 'NOT NULL'} in the database, not in schema.ts`);
      }
    }
    expect(differences).toEqual([]);
  });

  it.runIf(dialect === 'postgres')('leaves room on rollups pages for the ingest upsert to update in place (HOT)', async () => {
    const { rows } = await sql<{
      options: string[] | null;
    }>`select reloptions as options from pg_class where relname = 'rollups'`.execute(tdb.database.db);
    expect(rows[0]?.options).toContain('fillfactor=70');
  });

  it('reads schema.ts itself, so a difference would show', () => {
    const declared = declaredSchema();
    expect(declared.devices?.code).toEqual({ nullable: false });
    expect(declared.devices?.description).toEqual({ nullable: true });
    expect(Object.keys(declared).length).toBeGreaterThan(20);
  });
});
