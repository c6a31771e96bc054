export {
  AnalyzerNotLoaded,
  FileTooLarge,
  InvalidRefineOptions,
  NoText,
  PathMissing,
  RefineIncomplete,
} from './errors.js';
export { type FailureReason, type FileFailure, failureOf } from './failure.js';
export {
  bySentence,
  deferredJapaneseAnalyzer,
  type Prepared,
  type PrepareOptions,
  prepareDocument,
} from './prepare.js';
export {
  defaultRefineSettings,
  pipelineVersion,
  type RefineOptions,
  type RefineOutcome,
  type RefineProgress,
  type RefineSettings,
  type RefineSummary,
  refine,
} from './refine.js';
export { type FoundFile, inScope, type Walked, type WalkRoot, walk } from './walk.js';
