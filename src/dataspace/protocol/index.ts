export { bundledContexts, compactDspMessage, InvalidJsonLd, UnknownContext } from './jsonld.js';
export {
  type Agreement,
  type DataAddress,
  dspContext,
  negotiationInput,
  negotiationMessages,
  type OdrlConstraint,
  type OdrlRule,
  type Offer,
  type Pids,
  transferInput,
  transferMessages,
} from './messages.js';
