export { ParseOutOfMemory, ParseTimeout, ParseWorkerFailed, type SerialisedError } from './errors.js';
export {
  ParsePool,
  type PoolOptions,
  parseInWorker,
  type WorkerLimits,
  type WorkerParseOptions,
} from './pool.js';
export type { ParserModule } from './protocol.js';
