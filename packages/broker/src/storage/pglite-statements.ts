import { parse, protocol, types, type messages as wire, type PGlite, type Transaction } from '@electric-sql/pglite';

/**
 * More distinct statements than this (the broker sends a few dozen) run through
 * PGlite's own `query`, unprepared, so ad-hoc SQL cannot grow the cache for ever.
 */
const MAX_PREPARED = 256;

interface Prepared {
  name: string;
  /** The parameter types Postgres inferred, to serialize values as PGlite's `query` does. */
  paramTypes: number[];
  /**
   * Its result columns, described once when it was prepared: a run asks for no
   * row description, which would cost Postgres and the parser a name per column
   * at every run. (Postgres refuses to run a saved plan whose result columns
   * changed, so the description cannot go stale.)
   */
  columns: Array<{ name: string; dataTypeID: number }>;
}

/** The rows of a run's DataRow messages, parsed as PGlite's `parseResults` parses them. */
function rowsOf<Row>(messages: wire.BackendMessage[], columns: Prepared['columns'], parsers: PGlite['parsers']): Row[] {
  const rows: Row[] = [];
  for (const message of messages) {
    if (message.name !== 'dataRow') continue;
    const { fields } = message as wire.DataRowMessage;
    const row: Record<string, unknown> = {};
    for (let i = 0; i < columns.length; i++) row[columns[i]!.name] = types.parseType(fields[i] as string | null, columns[i]!.dataTypeID, parsers);
    rows.push(row as Row);
  }
  return rows;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((length, part) => length + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/**
 * Runs parameterized statements on PGlite as prepared statements. PGlite's own
 * `query` sends each statement as six protocol messages, each a call into the
 * WebAssembly Postgres, which parses and plans it anew every time: about three
 * times the work of the statement itself for the broker's short primary-key
 * statements. Here each SQL text is prepared once under a name (parse and
 * describe, in one call), then runs as one call (bind, execute, sync) on its
 * saved plan, its rows read with the columns described when it was prepared. Values are serialized by PGlite's serializers for
 * the types Postgres inferred and rows parsed by its parsers, as `query` does;
 * errors are its `DatabaseError`s. Prepared statements belong to the session,
 * not to a transaction: one prepared in a transaction that rolls back stays
 * usable, and one whose preparation failed (say, in an aborted transaction) is
 * not remembered.
 *
 * @example
 * const statements = preparedStatements(pg);
 * const rows = await statements.query('SELECT id FROM users WHERE email = $1', ['ada@example.com']);
 * await pg.transaction((tx) => statements.query('UPDATE …', [...], tx));
 */
export function preparedStatements(pg: PGlite) {
  const { serialize } = protocol;
  const prepared = new Map<string, Prepared>();
  // Never reused, so a name a failed preparation may have left behind cannot collide.
  let named = 0;

  async function prepare(sql: string): Promise<Prepared> {
    const name = `lk_${++named}`;
    const messages = await pg.execProtocolStream(concat([serialize.parse({ name, text: sql }), serialize.describe({ type: 'S', name }), serialize.sync()]), { syncToFs: false });
    const description = messages.find((message): message is wire.RowDescriptionMessage => message.name === 'rowDescription');
    const columns = description ? description.fields.map((field) => ({ name: field.name, dataTypeID: field.dataTypeID })) : [];
    const statement = { name, paramTypes: parse.parseDescribeStatementResults(messages), columns };
    prepared.set(sql, statement);
    return statement;
  }

  /** Runs inside PGlite's query mutex, so nothing comes between preparing and running. */
  async function run<Row>(sql: string, params: unknown[], inTransaction: boolean): Promise<Row[]> {
    const statement = prepared.get(sql) ?? (await prepare(sql));
    const values = params.map((param, i) => {
      if (param === null || param === undefined) return null;
      const serializer = pg.serializers[statement.paramTypes[i]!];
      return serializer ? serializer(param) : String(param);
    });
    const messages = await pg.execProtocolStream(
      concat([serialize.bind({ statement: statement.name, values }), serialize.execute({}), serialize.sync()]),
      // As `query` does: a statement outside a transaction is synced to the data folder at once.
      { syncToFs: !inTransaction },
    );
    return rowsOf<Row>(messages, statement.columns, pg.parsers);
  }

  return {
    /** One statement with `$1…` parameters, in `tx` when given; its rows. */
    async query<Row>(sql: string, params: unknown[] = [], tx?: Transaction): Promise<Row[]> {
      if (!prepared.has(sql) && prepared.size >= MAX_PREPARED) return (await (tx ?? pg).query<Row>(sql, params)).rows;
      if (tx?.closed) throw new Error('Transaction is closed');
      await pg._checkReady();
      const once = () => pg._runExclusiveQuery(() => run<Row>(sql, params, tx !== undefined));
      // The same locks as PGlite's own: outside a transaction, wait for any open one to end.
      return tx ? once() : pg._runExclusiveTransaction(once);
    },
  };
}
