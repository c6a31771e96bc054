import type { CompiledQuery, Kysely } from 'kysely';

// Kysely is only needed once a query runs: the threads that tokenise and index into SQLite never load it.
let kysely: Promise<typeof import('kysely')> | undefined;
async function raw(text: string, params: readonly unknown[]): Promise<CompiledQuery> {
  kysely ??= import('kysely');
  return (await kysely).CompiledQuery.raw(text, [...params]);
}

/**
 * The narrow SQL surface the PostgreSQL index needs: parameterised queries and a transaction. Any PostgreSQL
 * connection fits (a Kysely instance over `pg` or PGlite, as the store opens them).
 */
export interface SqlRunner {
  query<R>(text: string, params?: readonly unknown[]): Promise<R[]>;
  /** Runs `work` in one transaction; nested calls run inside the outer one. */
  transaction<T>(work: (tx: SqlRunner) => Promise<T>): Promise<T>;
}

/** A runner over a Kysely instance of the store (`Database.db` on the postgres or pglite engine). */
export function kyselyRunner(db: Kysely<unknown>): SqlRunner {
  const query = async <R>(text: string, params: readonly unknown[] = []): Promise<R[]> =>
    (await db.executeQuery<R>(await raw(text, params))).rows as R[];
  return {
    query,
    transaction: (work) =>
      db.transaction().execute(async (trx) => {
        const inner: SqlRunner = {
          query: async <R>(text: string, params: readonly unknown[] = []) =>
            (await trx.executeQuery<R>(await raw(text, params))).rows as R[],
          transaction: (nested) => nested(inner),
        };
        return work(inner);
      }),
  };
}
