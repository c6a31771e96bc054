import type { Generated } from 'kysely';
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
  /** When the key starts signing (published before, so peers know it first); null = since created_at. */
  active_from?: string | null;
  /** When a newer key took over signing; it stays published for a grace period after. Null = current. */
  retired_at?: string | null;
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
  /** DCAT keywords, a JSON list of strings (0002-catalog). */
  keywords: string;
}

/** One row per keyword of an asset, for selecting assets by keyword in SQL. */
export interface AssetKeywordsTable {
  participant_id: string;
  asset_id: string;
  keyword: string;
}

/** ODRL policies (compact JSON: permission / prohibition / obligation), used as access or contract policy. */
export interface PoliciesTable {
  participant_id: string;
  id: string;
  title: string;
  definition: string;
  created_at: string;
  updated_at: string;
}

/** An offer definition: who may see (access policy), on what terms (contract policy), which assets. */
export interface OffersTable {
  participant_id: string;
  id: string;
  access_policy_id: string;
  contract_policy_id: string;
  /** The asset selector as given (JSON), also spread into offer_selectors. */
  selector: string;
  created_at: string;
  updated_at: string;
}

/** An offer's selector terms: kind `all` | `asset` | `keyword` | `mediaType`, with the value to match. */
export interface OfferSelectorsTable {
  participant_id: string;
  offer_id: string;
  kind: string;
  value: string;
}

/** The first answer to a management create that carried an Idempotency-Key. */
export interface IdempotencyKeysTable {
  participant_id: string;
  key: string;
  scope: string;
  request_hash: string;
  status: number;
  response: string;
  created_at: string;
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

/** A contract negotiation as one side sees it (migration 0003). */
export interface NegotiationsTable {
  participant_id: string;
  /** Our own pid: the providerPid when we are the provider, the consumerPid when we are the consumer. */
  id: string;
  role: string;
  provider_pid: string | null;
  consumer_pid: string | null;
  state: string;
  counterparty_id: string;
  /** The peer's DSP base (provider) or callback address (consumer) our messages go to. */
  counterparty_address: string;
  offer_id: string;
  offer: string;
  agreement_id: string | null;
  /** When the state waiting on the counterparty gives up; null when nothing is awaited. */
  deadline_at: string | null;
  reason_code: string | null;
  reason: string | null;
  idempotency_key: string | null;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface AgreementsTable {
  participant_id: string;
  id: string;
  negotiation_id: string;
  role: string;
  counterparty_id: string;
  offer_id: string;
  asset_id: string;
  /** The agreed ODRL policy (JSON), kept as agreed whatever later happens to the offer. */
  policy: string;
  finalized_at: string | null;
  created_at: string;
}

/** Outgoing protocol messages, persisted with the state change that produced them. */
export interface OutboxTable {
  id: string;
  participant_id: string;
  process_type: string;
  process_id: string;
  url: string;
  /** The counterparty id the message is for (its authentication audience). */
  audience: string;
  message: string;
  attempts: number;
  due_at: string;
  lease_until: string | null;
  last_error: string | null;
  created_at: string;
}

/** Answers given to received protocol messages, so a repeated message gets the same answer. */
export interface ReceivedMessagesTable {
  participant_id: string;
  key: string;
  status: number;
  response: string;
  created_at: string;
  /** The pids the stored answer named (migration 0007): which process the message belonged to. */
  provider_pid: string | null;
  consumer_pid: string | null;
}

/** A transfer process as one side sees it (migration 0004). */
export interface TransfersTable {
  participant_id: string;
  /** Our own pid: the providerPid when we are the provider, the consumerPid when we are the consumer. */
  id: string;
  role: string;
  provider_pid: string | null;
  consumer_pid: string | null;
  state: string;
  counterparty_id: string;
  /** The peer's DSP base (we are the consumer) or its callback address (we are the provider). */
  counterparty_address: string;
  agreement_id: string;
  format: string;
  /** DataAddress JSON: the one received with the start (consumer) or the push target (provider). */
  data_address: string | null;
  /** sha256 of the pull access token handed to the consumer; null when none is live. */
  access_token_hash: string | null;
  deadline_at: string | null;
  reason_code: string | null;
  reason: string | null;
  idempotency_key: string | null;
  version: number;
  created_at: string;
  updated_at: string;
  /** 1: the data is finite (a STARTED pull has a deadline); 0: a stream (migration 0009, default 1). */
  finite: Generated<number>;
}

/** A data-plane token of a pull transfer, provider side (migration 0005); only its sha256 is stored. */
export interface DataplaneTokensTable {
  hash: string;
  participant_id: string;
  /** `access` or `refresh`. */
  kind: string;
  transfer_id: string;
  agreement_id: string;
  consumer_id: string;
  asset_id: string;
  /** The access and refresh token issued together share a generation. */
  generation: number;
  expires_at: string;
  revoked_at: string | null;
  /** rotated, suspended, terminated, completed, or a policy reason code. */
  revoked_reason: string | null;
  created_at: string;
}

/** Token ids already presented to a participant, kept until they expire (migration 0007). */
export interface ReplayGuardTable {
  participant_id: string;
  key: string;
  expires_at: string;
}

export interface Tables {
  participants: ParticipantsTable;
  participant_keys: ParticipantKeysTable;
  api_keys: ApiKeysTable;
  assets: AssetsTable;
  asset_keywords: AssetKeywordsTable;
  policies: PoliciesTable;
  offers: OffersTable;
  offer_selectors: OfferSelectorsTable;
  idempotency_keys: IdempotencyKeysTable;
  audit_log: AuditLogTable;
  negotiations: NegotiationsTable;
  agreements: AgreementsTable;
  outbox: OutboxTable;
  received_messages: ReceivedMessagesTable;
  transfers: TransfersTable;
  dataplane_tokens: DataplaneTokensTable;
  replay_guard: ReplayGuardTable;
}
