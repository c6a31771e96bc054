/**
 * The footprint app's model: pure functions over plain data. A company's parts, BOM, own emissions and
 * trade links, its suppliers' answers in, one exact aggregate per part out; rounding, mappings (Ouranos,
 * PACT v3, PACT v2.3) and signing at the edge. See docs/footprint.md.
 */
export { aggregate, type LineResult, type PartResult, type Results } from './aggregate.js';
export { type ImportedBom, importBom } from './bom-import.js';
export type { Flag } from './combine.js';
export { Dec, type DecimalString, parseDecimal } from './decimal.js';
export {
  BomCycle,
  BomImportError,
  InvalidFootprint,
  MappingRefused,
  SignatureInvalid,
  UnitMismatch,
  UnknownPart,
} from './errors.js';
export { exactFootprint } from './exact.js';
export * from './model.js';
export {
  fromOuranos,
  type OuranosCfp,
  type OuranosCfpReceived,
  type OuranosCfpType,
  type OuranosGhgUnit,
  ouranosCfpJson,
  toOuranos,
} from './ouranos.js';
export { type Changes, outdated, refresh } from './outdated.js';
export { fromPactV2, type PactV2CarbonFootprint, type PactV2ProductFootprint, toPactV2 } from './pact-v2.js';
export {
  fromPactV3,
  type PactEnvelope,
  type PactV3CarbonFootprint,
  type PactV3ProductFootprint,
  pactEnvelope,
  toPactV3,
} from './pact-v3.js';
export { publish, roundEmission, roundShare, stageTotal } from './publish.js';
export { type FootprintSigningKey, footprintJwsType, signFootprint, verifyFootprint } from './sign.js';
export { convert, inDeclaredUnits, parseUnit, type Unit, units } from './units.js';
