export { tckDecide } from './negotiation.js';
export * from './scenarios.js';
export {
  agreementDataset,
  contractPolicyId,
  openAccessPolicyId,
  type SeedResult,
  seedTckFixtures,
} from './seed.js';
export { tckTransferReact } from './transfer.js';
