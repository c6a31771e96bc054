/**
 * Row types of every table. Portable across SQLite and PostgreSQL: timestamps are ISO-8601 UTC text (they
 * sort as text), JSON is text, booleans are not used. Every table but `participants` carries
 * `participant_id`: nothing is stored outside a participant context.
 */
export interface ParticipantsTable {
  id: string;
  name: string;
  corporate_number: string | null;
  created_at: string;
}

export interface ParticipantKeysTable {
  participant_id: string;
  kid: string;
  alg: string;
  public_jwk: string;
  /** AES-256-GCM sealed private JWK (keyStorage=database), else null. */
  private_sealed: string | null;
  /** Path of a 0600 file holding the private JWK (keyStorage=files), else null. */
  private_file: string | null;
  created_at: string;
}

export interface ApiKeysTable {
  id: string;
  participant_id: string;
  /** sha256 of the key; the key itself is shown once and never stored. */
  hash: string;
  label: string;
  created_at: string;
  revoked_at: string | null;
}

export interface AssetsTable {
  participant_id: string;
  id: string;
  title: string;
  description: string;
  content_type: string;
  properties: string;
  data_address: string;
  created_at: string;
  updated_at: string;
}

export interface AuditLogTable {
  participant_id: string;
  /** 1, 2, 3 … per participant: the position in that participant's hash chain. */
  seq: number;
  at: string;
  /** who: the authenticated principal (api key id, peer DID, `system`). */
  actor: string;
  /** what: a stable verb such as `asset.create`, `participant.create`. */
  action: string;
  /** where: the resource touched. */
  resource_type: string;
  resource_id: string;
  /** why: the reason or policy that allowed or refused it. */
  reason: string | null;
  /** how: the channel, e.g. `management-api`, `dsp`, `cli`. */
  via: string;
  outcome: string;
  details: string;
  prev_hash: string | null;
  hash: string;
  /** Signature over `hash` by the participant's key (filled by the trust layer). */
  signature: string | null;
}

export interface Tables {
  participants: ParticipantsTable;
  participant_keys: ParticipantKeysTable;
  api_keys: ApiKeysTable;
  assets: AssetsTable;
  audit_log: AuditLogTable;
}
