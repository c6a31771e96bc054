export {
  directoryEntry,
  type EntryInput,
  entryFromCredential,
  putDirectoryEntry,
  removeDirectoryEntry,
} from './entries.js';
export { directoryRoutes } from './routes.js';
export { deleteEntriesOfCredential, entryOf, listDirectoryEntries } from './store.js';
