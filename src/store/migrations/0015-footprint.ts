import type { Kysely } from 'kysely';

// Forward-only: a migration is never edited once released; fixes come as a new migration.
// The footprint app (docs/footprint.md): each participant's parts (with its own emissions), its own BOM, trade
// links to its direct suppliers' parts, footprint requests in both directions (inbox: customers asked us;
// outbox: we asked suppliers, with their verified answers) and the footprints it published (signed JWS, versions).
// Decimals are text, structured values JSON text, flags integers (0/1): portable across SQLite and PostgreSQL.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('fp_settings')
    .addColumn('participant_id', 'text', (c) => c.primaryKey().references('participants.id'))
    .addColumn('auto_link', 'integer', (c) => c.notNull())
    .addColumn('approve_before_publish', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('fp_parts')
    .addColumn('participant_id', 'text', (c) => c.notNull().references('participants.id'))
    .addColumn('trace_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('unit', 'text', (c) => c.notNull())
    .addColumn('leaf', 'integer', (c) => c.notNull())
    .addColumn('mass_per_unit', 'text')
    .addColumn('product_ids', 'text', (c) => c.notNull())
    // OwnEmissions as JSON, null when not given
    .addColumn('own', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('fp_parts_pk', ['participant_id', 'trace_id'])
    .execute();
  await db.schema
    .createTable('fp_bom_lines')
    .addColumn('participant_id', 'text', (c) => c.notNull().references('participants.id'))
    .addColumn('parent_trace_id', 'text', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('child_trace_id', 'text', (c) => c.notNull())
    .addColumn('quantity', 'text', (c) => c.notNull())
    .addColumn('unit', 'text', (c) => c.notNull())
    .addColumn('yield_rate', 'text')
    .addColumn('scrap_rate', 'text')
    .addPrimaryKeyConstraint('fp_bom_lines_pk', ['participant_id', 'parent_trace_id', 'seq'])
    .execute();
  await db.schema
    .createIndex('fp_bom_lines_child')
    .on('fp_bom_lines')
    .columns(['participant_id', 'child_trace_id'])
    .execute();
  await db.schema
    .createTable('fp_trade_links')
    .addColumn('participant_id', 'text', (c) => c.notNull().references('participants.id'))
    .addColumn('trace_id', 'text', (c) => c.notNull())
    .addColumn('supplier_did', 'text', (c) => c.notNull())
    .addColumn('supplier_address', 'text', (c) => c.notNull())
    .addColumn('supplier_part', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('fp_trade_links_pk', ['participant_id', 'trace_id'])
    .execute();
  await db.schema
    .createTable('fp_requests')
    .addColumn('participant_id', 'text', (c) => c.notNull().references('participants.id'))
    .addColumn('id', 'text', (c) => c.notNull())
    // inbox (a customer asked us) | outbox (we asked a supplier)
    .addColumn('direction', 'text', (c) => c.notNull())
    // the RequestCreatedEvent id, as the customer made it
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('counterparty_did', 'text', (c) => c.notNull())
    .addColumn('counterparty_address', 'text')
    // the part asked about, as the customer names it (the supplier's product id)
    .addColumn('part_ref', 'text', (c) => c.notNull())
    // our own part: the linked part (inbox), the bought child part (outbox)
    .addColumn('trace_id', 'text')
    .addColumn('message', 'text')
    .addColumn('due_date', 'text')
    // requested | answered | rejected | cancelled | outdated
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('reply', 'text')
    .addColumn('event', 'text', (c) => c.notNull())
    // the current answer: published pf id (inbox) or the received one (outbox)
    .addColumn('pf_id', 'text')
    .addColumn('answer_jws', 'text')
    .addColumn('answer', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('fp_requests_pk', ['participant_id', 'id'])
    .addUniqueConstraint('fp_requests_event', ['participant_id', 'direction', 'counterparty_did', 'event_id'])
    .execute();
  await db.schema
    .createTable('fp_published')
    .addColumn('participant_id', 'text', (c) => c.notNull().references('participants.id'))
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('request_id', 'text', (c) => c.notNull())
    .addColumn('customer_did', 'text', (c) => c.notNull())
    .addColumn('trace_id', 'text', (c) => c.notNull())
    .addColumn('product_ids', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    // Pending (awaiting approval) | Active | Deprecated
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('preceding_pf_ids', 'text', (c) => c.notNull())
    .addColumn('document', 'text', (c) => c.notNull())
    .addColumn('jws', 'text')
    .addColumn('asset_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('fp_published_pk', ['participant_id', 'id'])
    .execute();
  await db.schema
    .createIndex('fp_published_customer')
    .on('fp_published')
    .columns(['participant_id', 'customer_did', 'status'])
    .execute();
}
