export { type BlockDraft, type BuildOptions, buildBlocks, headingTitle } from './blocks.js';
export {
  type CautionLine,
  type ClassifyOptions,
  classifyLine,
  type HeadingLine,
  isProcedureLead,
  isProcedureTitle,
  type LineClass,
  type StepLine,
} from './line.js';
export { circledValue, enclosedValue, numeralValue } from './numerals.js';
export {
  type BodyStyle,
  bullet,
  isDateLine,
  type LineRole,
  type OutlineItem,
  type OutlineLine,
  outlineRoles,
} from './outline.js';
export { detectHeaderRows, markHeaderRows, tableText } from './table.js';
export {
  bulletOf,
  createTextClassifier,
  type TextClassifier,
  type TextClassifierOptions,
} from './text-classifier.js';
