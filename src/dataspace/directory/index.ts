export {
  corporateNumberOf,
  InvalidCorporateNumber,
  isValidCorporateNumber,
  normaliseCorporateNumber,
} from './corporate-number.js';
export { type DirectoryEntry, endpointsOf, readDirectoryEntry } from './entry.js';
export { type DirectoryGet, DirectoryUnavailable, directoryUrl, lookupParticipant } from './lookup.js';
