import type { Migration } from 'kysely';
import * as foundation from './0001-foundation.js';
import * as catalog from './0002-catalog.js';
import * as contracts from './0003-contracts.js';
import * as transfers from './0004-transfers.js';
import * as dataplane from './0005-dataplane.js';
import * as edr from './0006-edr.js';
import * as replay from './0007-replay.js';
import * as decisions from './0008-decisions.js';
import * as transferFinite from './0009-transfer-finite.js';
import * as credentials from './0010-credentials.js';
import * as receipts from './0011-receipts.js';
import * as keyHistory from './0012-key-history.js';
import * as directory from './0013-directory.js';
import * as footprint from './0015-footprint.js';
import * as pact from './0016-pact.js';
import * as ouranos from './0017-ouranos.js';
import * as pactCustomerDids from './0018-pact-customer-dids.js';
import * as ouranosPartners from './0019-ouranos-partners.js';
import * as credentialStanding from './0020-credential-standing.js';

/** Every migration, in order. Names sort as they apply; never rename or edit a released one. */
export const migrations: Readonly<Record<string, Migration>> = Object.freeze({
  '0001-foundation': foundation,
  '0002-catalog': catalog,
  '0003-contracts': contracts,
  '0004-transfers': transfers,
  '0005-dataplane': dataplane,
  '0006-edr': edr,
  '0007-replay': replay,
  '0008-decisions': decisions,
  '0009-transfer-finite': transferFinite,
  '0010-credentials': credentials,
  '0011-receipts': receipts,
  '0012-key-history': keyHistory,
  '0013-directory': directory,
  '0015-footprint': footprint,
  '0016-pact': pact,
  '0017-ouranos': ouranos,
  '0018-pact-customer-dids': pactCustomerDids,
  '0019-ouranos-partners': ouranosPartners,
  '0020-credential-standing': credentialStanding,
});
