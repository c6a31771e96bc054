export { type CatalogFrame, catalogError, catalogMessage, datasetMessage, formatsOf } from './dcat.js';
export {
  InvalidContinuationToken,
  PeerCatalogRefused,
  PeerUnsupported,
  UnsupportedFilter,
} from './errors.js';
export {
  type AssetSelector,
  type OfferDefinition,
  publishedOfferId,
  type SelectableAsset,
  selects,
  singleAsset,
} from './offer.js';
export { decodeCursor, encodeCursor, parseCatalogFilter } from './paging.js';
export {
  type CatalogAsset,
  type Cursor,
  type DatasetFilter,
  type DatasetPage,
  type Explain,
  pageVisibleDatasets,
  type VisibleDataset,
  visibleAccessPolicies,
  visibleDataset,
} from './query.js';
export { findOffer, offerPolicy, offerVisibleTo, type ResolvedOffer } from './resolve.js';
export {
  deleteOffer,
  findOfferDefinitions,
  insertOffer,
  listOffers,
  type OfferQuery,
  offersUsingPolicy,
  updateOffer,
} from './store.js';
