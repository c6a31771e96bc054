import type { OperatorModel } from './model.js';
import type { OuranosDb, PartnerRow } from './store.js';

/**
 * Operators hosted elsewhere (another participant, on this node or another) that this participant's operators
 * trade with. Registered by the participant's management API: the operator as its own platform shows it
 * (`operatorId`, name, 法人番号) and the participant hosting it — its DID and connector address, which the
 * footprint exchange sends the requests to.
 */
export interface Partner {
  readonly operator: OperatorModel;
  readonly did: string;
  readonly address: string;
}

const partnerOf = (r: PartnerRow): Partner => ({
  operator: {
    operatorId: r.operator_id,
    operatorName: r.operator_name,
    operatorAddress: r.operator_address,
    openOperatorId: r.open_operator_id,
    operatorAttribute: { globalOperatorId: r.global_operator_id },
  },
  did: r.did,
  address: r.address,
});

export async function putPartner(db: OuranosDb, participantId: string, p: Partner, now: Date): Promise<void> {
  const values = {
    operator_name: p.operator.operatorName,
    operator_address: p.operator.operatorAddress,
    open_operator_id: p.operator.openOperatorId,
    global_operator_id: p.operator.operatorAttribute.globalOperatorId ?? null,
    did: p.did,
    address: p.address,
  };
  await db
    .insertInto('ouranos_partners')
    .values({
      participant_id: participantId,
      operator_id: p.operator.operatorId,
      created_at: now.toISOString(),
      ...values,
    })
    .onConflict((oc) => oc.columns(['participant_id', 'operator_id']).doUpdateSet(values))
    .execute();
}

export async function listPartners(db: OuranosDb, participantId: string): Promise<Partner[]> {
  const rows = await db
    .selectFrom('ouranos_partners')
    .selectAll()
    .where('participant_id', '=', participantId)
    .orderBy('open_operator_id')
    .execute();
  return rows.map(partnerOf);
}

export async function findPartner(
  db: OuranosDb,
  participantId: string,
  by: { operatorId: string } | { openOperatorId: string },
): Promise<Partner | undefined> {
  const row = await db
    .selectFrom('ouranos_partners')
    .selectAll()
    .where('participant_id', '=', participantId)
    .$if('operatorId' in by, (q) => q.where('operator_id', '=', (by as { operatorId: string }).operatorId))
    .$if('openOperatorId' in by, (q) =>
      q.where('open_operator_id', '=', (by as { openOperatorId: string }).openOperatorId),
    )
    .executeTakeFirst();
  return row && partnerOf(row);
}
