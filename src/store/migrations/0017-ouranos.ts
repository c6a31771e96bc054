import type { Kysely } from 'kysely';

// Forward-only: a migration is never edited once released; fixes come as a new migration.
// The Ouranos-compatible API's records (src/apps/ouranos): operators (companies) hosted by a participant with their
// login accounts, the API keys of the applications that call it, plants, parts, part structures, trades with their
// request status, and CFP records. Decimals are text (exact), flags are 0/1 integers, times ISO-8601 UTC text.
export async function up(db: Kysely<unknown>): Promise<void> {
  const participant = 'participants.id';
  await db.schema
    .createTable('ouranos_api_keys')
    .addColumn('participant_id', 'text', (c) => c.notNull().references(participant))
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .addPrimaryKeyConstraint('ouranos_api_keys_pk', ['participant_id', 'id'])
    .execute();
  await db.schema.createIndex('ouranos_api_keys_hash').on('ouranos_api_keys').columns(['hash']).execute();

  await db.schema
    .createTable('ouranos_operators')
    .addColumn('participant_id', 'text', (c) => c.notNull().references(participant))
    .addColumn('operator_id', 'text', (c) => c.notNull())
    .addColumn('operator_name', 'text', (c) => c.notNull())
    .addColumn('operator_address', 'text', (c) => c.notNull())
    .addColumn('open_operator_id', 'text', (c) => c.notNull())
    .addColumn('global_operator_id', 'text')
    .addColumn('account_id', 'text', (c) => c.notNull())
    // scrypt$<salt>$<hash>, never the password
    .addColumn('password_hash', 'text', (c) => c.notNull())
    // raised on a password change: tokens of an older version stop working
    .addColumn('token_version', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('ouranos_operators_pk', ['participant_id', 'operator_id'])
    .addUniqueConstraint('ouranos_operators_open', ['participant_id', 'open_operator_id'])
    .addUniqueConstraint('ouranos_operators_account', ['participant_id', 'account_id'])
    .execute();

  await db.schema
    .createTable('ouranos_plants')
    .addColumn('participant_id', 'text', (c) => c.notNull().references(participant))
    .addColumn('plant_id', 'text', (c) => c.notNull())
    .addColumn('operator_id', 'text', (c) => c.notNull())
    .addColumn('plant_name', 'text', (c) => c.notNull())
    .addColumn('plant_address', 'text', (c) => c.notNull())
    .addColumn('open_plant_id', 'text', (c) => c.notNull())
    .addColumn('global_plant_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('ouranos_plants_pk', ['participant_id', 'plant_id'])
    .addUniqueConstraint('ouranos_plants_open', ['participant_id', 'operator_id', 'open_plant_id'])
    .execute();

  await db.schema
    .createTable('ouranos_parts')
    .addColumn('participant_id', 'text', (c) => c.notNull().references(participant))
    .addColumn('trace_id', 'text', (c) => c.notNull())
    .addColumn('operator_id', 'text', (c) => c.notNull())
    .addColumn('plant_id', 'text', (c) => c.notNull())
    .addColumn('parts_name', 'text', (c) => c.notNull())
    .addColumn('support_parts_name', 'text')
    .addColumn('terminated_flag', 'integer', (c) => c.notNull())
    .addColumn('amount_required', 'text')
    .addColumn('amount_required_unit', 'text')
    .addColumn('parts_label_name', 'text')
    .addColumn('parts_add_info1', 'text')
    .addColumn('parts_add_info2', 'text')
    .addColumn('parts_add_info3', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('ouranos_parts_pk', ['participant_id', 'trace_id'])
    .execute();
  await db.schema
    .createIndex('ouranos_parts_operator')
    .on('ouranos_parts')
    .columns(['participant_id', 'operator_id', 'parts_name', 'trace_id'])
    .execute();

  await db.schema
    .createTable('ouranos_parts_structures')
    .addColumn('participant_id', 'text', (c) => c.notNull().references(participant))
    .addColumn('parent_trace_id', 'text', (c) => c.notNull())
    .addColumn('child_trace_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('ouranos_parts_structures_pk', [
      'participant_id',
      'parent_trace_id',
      'child_trace_id',
    ])
    .execute();
  await db.schema
    .createIndex('ouranos_parts_structures_child')
    .on('ouranos_parts_structures')
    .columns(['participant_id', 'child_trace_id'])
    .execute();

  await db.schema
    .createTable('ouranos_trades')
    .addColumn('participant_id', 'text', (c) => c.notNull().references(participant))
    .addColumn('trade_id', 'text', (c) => c.notNull())
    .addColumn('status_id', 'text', (c) => c.notNull())
    .addColumn('downstream_operator_id', 'text', (c) => c.notNull())
    .addColumn('upstream_operator_id', 'text', (c) => c.notNull())
    .addColumn('downstream_trace_id', 'text', (c) => c.notNull())
    .addColumn('upstream_trace_id', 'text')
    .addColumn('message', 'text')
    .addColumn('reply_message', 'text')
    .addColumn('request_type', 'text', (c) => c.notNull())
    .addColumn('response_due_date', 'text')
    // NOT_COMPLETED until answered; REJECT / CANCEL set by the status API (COMPLETED is computed)
    .addColumn('cfp_response_status', 'text', (c) => c.notNull())
    // a request received from another node: the downstream part as the requester showed it (JSON), else null
    .addColumn('downstream_part', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('ouranos_trades_pk', ['participant_id', 'trade_id'])
    .addUniqueConstraint('ouranos_trades_status', ['participant_id', 'status_id'])
    .execute();
  for (const [name, column] of [
    ['ouranos_trades_downstream', 'downstream_operator_id'],
    ['ouranos_trades_upstream', 'upstream_operator_id'],
  ] as const)
    await db.schema
      .createIndex(name)
      .on('ouranos_trades')
      .columns(['participant_id', column, 'created_at'])
      .execute();
  await db.schema
    .createIndex('ouranos_trades_downstream_trace')
    .on('ouranos_trades')
    .columns(['participant_id', 'downstream_trace_id'])
    .execute();

  await db.schema
    .createTable('ouranos_cfps')
    .addColumn('participant_id', 'text', (c) => c.notNull().references(participant))
    .addColumn('trace_id', 'text', (c) => c.notNull())
    .addColumn('cfp_type', 'text', (c) => c.notNull())
    .addColumn('cfp_id', 'text', (c) => c.notNull())
    .addColumn('ghg_emission', 'text', (c) => c.notNull())
    .addColumn('ghg_declared_unit', 'text', (c) => c.notNull())
    .addColumn('dqr_type', 'text', (c) => c.notNull())
    .addColumn('te_r', 'text')
    .addColumn('ge_r', 'text')
    .addColumn('ti_r', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('ouranos_cfps_pk', ['participant_id', 'trace_id', 'cfp_type'])
    .execute();
}
