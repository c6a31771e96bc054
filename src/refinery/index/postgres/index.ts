export { kyselyRunner, type SqlRunner } from './runner.js';
export { createPgTermIndex, type PgTermIndex, type TokenRow } from './term-index.js';
export { type AsyncUnitIndex, createPostgresIndex, type PostgresIndexOptions } from './unit-index.js';
