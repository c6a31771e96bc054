export { ParseOutOfMemory, ParseTimeout, ParseWorkerFailed, type SerialisedError } from './errors.js';
export {
  type Parsed,
  ParsePool,
  type PoolOptions,
  parseInWorker,
  type WorkerLimits,
  type WorkerParseOptions,
} from './pool.js';
export type { AfterParse, ParserModule } from './protocol.js';
