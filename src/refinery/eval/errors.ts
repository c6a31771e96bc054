import { InvalidInput, NotFound } from '../../errors/index.js';

export class UnknownBenchmark extends NotFound {
  constructor(name: string) {
    super('eval.benchmark', name);
  }
}

/** A dataset file is missing a field the benchmark needs or cannot be parsed. */
export class InvalidDataset extends InvalidInput {
  constructor(file: string, detail: string) {
    super('eval.invalid-dataset', `${file}: ${detail}`, { file });
  }
}
