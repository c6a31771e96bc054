import {
  type Database,
  openDatabase,
  type StoreTarget,
  setAuditContextDefaults,
  sqliteTargetIn,
} from '../store/index.js';
import { auditContextDefaults } from './audit-context.js';
import { type LoadedConfig, plainHttpEnabled } from './config.js';
import type { ParticipantDeps } from './participants.js';
import { resolveNodeSecret } from './secret.js';

export function storeTarget(loaded: LoadedConfig): StoreTarget {
  const c = loaded.values;
  const sqlite = sqliteTargetIn(c.store); // the directory also holds the node secret and key files
  return c.databaseUrl ? { engine: 'postgres', url: c.databaseUrl } : sqlite;
}

/** The node's database and what participant provisioning needs, for the server and for offline commands. */
export async function openNodeStore(
  loaded: LoadedConfig,
  options: { onQuery?: () => void; now?: () => Date } = {},
): Promise<{ target: StoreTarget; database: Database; participants: ParticipantDeps }> {
  const c = loaded.values;
  const target = storeTarget(loaded);
  const nodeSecret = resolveNodeSecret(c.nodeSecret, c.store);
  const database = await openDatabase(target, options.onQuery ? { onQuery: options.onQuery } : {});
  // Offline commands (the CLI) audit with the configured host; a running node re-registers with the one it serves.
  const host = () => c.host || `localhost:${c.port}`;
  setAuditContextDefaults(
    database.db,
    auditContextDefaults({
      defaultParticipantId: c.defaultParticipantId,
      nodeSecret,
      host,
      url: () => c.publicUrl || `${plainHttpEnabled(c) ? 'http' : 'https'}://${host()}`,
    }),
  );
  const participants: ParticipantDeps = {
    db: database.db,
    nodeSecret,
    keyStorage: c.keyStorage,
    storeDir: c.store,
    now: options.now ?? (() => new Date()),
  };
  return { target, database, participants };
}
