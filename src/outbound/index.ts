export {
  type AddressClass,
  type Cidr,
  canonicalAddress,
  cidrContains,
  classifyAddress,
  formatAddress,
  type IpAddress,
  type IpFamily,
  parseAddress,
  parseCidr,
} from './address.js';
export {
  createOutboundClient,
  type OutboundClient,
  type OutboundInit,
  type OutboundLogger,
  type OutboundOptions,
  type OutboundStream,
  type OutboundStreamInit,
  outboundDefaults,
} from './client.js';
export { type Resolve, type ResolvedAddress, systemResolve } from './connector.js';
export {
  type AllowEntry,
  type EgressCheck,
  type EgressPolicyOptions,
  type EgressTarget,
  egressPolicy,
  parseAllowEntry,
} from './egress.js';
export {
  BadBody,
  BadRedirect,
  BadStatus,
  ConnectFailed,
  EgressDenied,
  InvalidAllowEntry,
  InvalidOption,
  InvalidUrl,
  OutboundTimeout,
  ResponseTooLarge,
  type TimeoutPhase,
  TooManyRedirects,
  tlsExplanation,
} from './errors.js';
export type { OutboundResponse } from './response.js';
