export {
  type ChainFinding,
  type ChainProblem,
  type ChainReport,
  type CheckpointCheck,
  checkpointAction,
  describeReport,
  verifyChain,
} from './chain.js';
export {
  type CheckpointKey,
  checkpointVerifier,
  signCheckpoint,
} from './checkpoint.js';
export { AuditChainBroken, AuditExportInvalid, AuditKeyInvalid } from './errors.js';
export { type ExportLine, fromExportLine, toExportLine } from './export.js';
export {
  buildLineage,
  describeLineage,
  type HeldReceipt,
  type Lineage,
  type LineageKind,
  type LineageNode,
  lineageKind,
} from './lineage.js';
export { maskedValue, maskPersonalFields, personalFields } from './mask.js';
export { keysFromDidDocument, keysFromJwk, verifyExport } from './offline.js';
export {
  type AnchoredReceipt,
  peekReceipt,
  type ReceiptClaims,
  type ReceiptEvent,
  ReceiptRejected,
  type ReceiptSigner,
  receiptFinding,
  receiptType,
  signReceipt,
  verifyReceipt,
} from './receipt.js';
