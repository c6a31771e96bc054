/**
 * The operations of the Ouranos API for one authenticated operator, over the participant's Ouranos tables: each
 * takes the query and body as received and returns the status, body and (for lists) the next page's query.
 */
export * from './auth-info.js';
export type { Answer, Caller } from './caller.js';
export * from './cfp.js';
export * from './parts.js';
export * from './trades.js';
