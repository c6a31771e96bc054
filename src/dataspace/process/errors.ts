import { Conflict } from '../../errors/index.js';

/**
 * A process row changed between our read and our write (its version moved on): another transaction got there
 * first. Receiving a message retries on it, so the message applies to the state that transaction left.
 */
export class ProcessChanged extends Conflict {}
