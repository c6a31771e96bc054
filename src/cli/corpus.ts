import type { LoadedConfig } from '../node/config.js';
import { type Corpus, openCorpus } from '../refinery/corpus/index.js';
import type { Analyzer } from '../refinery/index/index.js';

/** The default participant's refined corpus under the configured store (read commands). */
export function corpusOf(loaded: LoadedConfig, analyzer?: Analyzer): Corpus {
  const c = loaded.values;
  return openCorpus({
    dir: c.store,
    participantId: c.defaultParticipantId,
    ...(analyzer ? { analyzer } : {}),
  });
}
