export { tckDecide } from './negotiation.js';
export * from './scenarios.js';
export {
  agreementDataset,
  contractPolicyId,
  openAccessPolicyId,
  type SeedResult,
  seedTckFixtures,
} from './seed.js';
export {
  type NegotiationSignal,
  type SignalDeps,
  signalledOffer,
  type TransferSignal,
  tckSignalRoutes,
} from './signals.js';
export { tckTransferReact } from './transfer.js';
