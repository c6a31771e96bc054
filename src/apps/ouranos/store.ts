import type { Kysely } from 'kysely';
import type { Tables } from '../../store/index.js';
import type {
  CfpModel,
  CfpResponseStatus,
  CfpType,
  DqrType,
  GhgUnit,
  OperatorModel,
  PartsModel,
  PartsUnit,
  PlantModel,
} from './model.js';

/** Rows of migration 0017 (src/store/migrations/0017-ouranos.ts). Every query is bound to one participant. */
export type OuranosTables = {
  ouranos_api_keys: {
    participant_id: string;
    id: string;
    hash: string;
    label: string;
    created_at: string;
    revoked_at: string | null;
  };
  ouranos_operators: {
    participant_id: string;
    operator_id: string;
    operator_name: string;
    operator_address: string;
    open_operator_id: string;
    global_operator_id: string | null;
    account_id: string;
    password_hash: string;
    token_version: number;
    created_at: string;
    updated_at: string;
  };
  ouranos_plants: {
    participant_id: string;
    plant_id: string;
    operator_id: string;
    plant_name: string;
    plant_address: string;
    open_plant_id: string;
    global_plant_id: string | null;
    created_at: string;
    updated_at: string;
  };
  ouranos_parts: PartRow;
  ouranos_parts_structures: { participant_id: string; parent_trace_id: string; child_trace_id: string };
  ouranos_trades: TradeRow;
  ouranos_cfps: CfpRow;
  /** Operators hosted elsewhere (migration 0019): see partners.ts. */
  ouranos_partners: PartnerRow;
};

export type PartnerRow = {
  participant_id: string;
  operator_id: string;
  operator_name: string;
  operator_address: string;
  open_operator_id: string;
  global_operator_id: string | null;
  did: string;
  address: string;
  created_at: string;
};

export type PartRow = {
  participant_id: string;
  trace_id: string;
  operator_id: string;
  plant_id: string;
  parts_name: string;
  support_parts_name: string | null;
  terminated_flag: number;
  amount_required: string | null;
  amount_required_unit: string | null;
  parts_label_name: string | null;
  parts_add_info1: string | null;
  parts_add_info2: string | null;
  parts_add_info3: string | null;
  created_at: string;
  updated_at: string;
};

export type TradeRow = {
  participant_id: string;
  trade_id: string;
  status_id: string;
  downstream_operator_id: string;
  upstream_operator_id: string;
  downstream_trace_id: string;
  upstream_trace_id: string | null;
  message: string | null;
  reply_message: string | null;
  request_type: string;
  response_due_date: string | null;
  cfp_response_status: CfpResponseStatus;
  downstream_part: string | null;
  created_at: string;
  updated_at: string;
};

export type CfpRow = {
  participant_id: string;
  trace_id: string;
  cfp_type: string;
  cfp_id: string;
  ghg_emission: string;
  ghg_declared_unit: string;
  dqr_type: string;
  te_r: string | null;
  ge_r: string | null;
  ti_r: string | null;
  updated_at: string;
};

export type OperatorRow = OuranosTables['ouranos_operators'];
export type PlantRow = OuranosTables['ouranos_plants'];
export type OuranosDb = Kysely<OuranosTables>;

export const ouranosDb = (db: Kysely<Tables>): OuranosDb =>
  db.withTables<OuranosTables>() as unknown as OuranosDb;

/** A decimal as stored (text) from a JSON number: its shortest decimal text, which is what the client wrote. */
export const decimalText = (n: number): string => {
  const s = String(n);
  return /e/i.test(s) ? n.toFixed(20).replace(/\.?0+$/, '') : s;
};
const num = (s: string | null): number | null => (s === null ? null : Number(s));

export const operatorView = (r: OperatorRow): OperatorModel => ({
  operatorId: r.operator_id,
  operatorName: r.operator_name,
  operatorAddress: r.operator_address,
  openOperatorId: r.open_operator_id,
  operatorAttribute: { globalOperatorId: r.global_operator_id },
});

export const plantView = (r: PlantRow): PlantModel => ({
  plantId: r.plant_id,
  operatorId: r.operator_id,
  plantName: r.plant_name,
  plantAddress: r.plant_address,
  openPlantId: r.open_plant_id,
  plantAttribute: { globalPlantId: r.global_plant_id },
});

export const partView = (r: PartRow): PartsModel => ({
  traceId: r.trace_id,
  operatorId: r.operator_id,
  plantId: r.plant_id,
  partsName: r.parts_name,
  supportPartsName: r.support_parts_name,
  terminatedFlag: r.terminated_flag === 1,
  amountRequired: num(r.amount_required),
  amountRequiredUnit: r.amount_required_unit as PartsUnit | null,
  partsLabelName: r.parts_label_name,
  partsAddInfo1: r.parts_add_info1,
  partsAddInfo2: r.parts_add_info2,
  partsAddInfo3: r.parts_add_info3,
});

export function partRow(participantId: string, p: PartsModel & { traceId: string }, at: string): PartRow {
  return {
    participant_id: participantId,
    trace_id: p.traceId,
    operator_id: p.operatorId,
    plant_id: p.plantId,
    parts_name: p.partsName,
    support_parts_name: p.supportPartsName,
    terminated_flag: p.terminatedFlag ? 1 : 0,
    amount_required: p.amountRequired === null ? null : decimalText(p.amountRequired),
    amount_required_unit: p.amountRequiredUnit,
    parts_label_name: p.partsLabelName ?? null,
    parts_add_info1: p.partsAddInfo1 ?? null,
    parts_add_info2: p.partsAddInfo2 ?? null,
    parts_add_info3: p.partsAddInfo3 ?? null,
    created_at: at,
    updated_at: at,
  };
}

export const cfpView = (r: CfpRow): CfpModel => ({
  cfpId: r.cfp_id,
  traceId: r.trace_id,
  ghgEmission: Number(r.ghg_emission),
  ghgDeclaredUnit: r.ghg_declared_unit as GhgUnit,
  cfpType: r.cfp_type as CfpType,
  dqrType: r.dqr_type as DqrType,
  dqrValue: { TeR: num(r.te_r), GeR: num(r.ge_r), TiR: num(r.ti_r) },
});

export async function findOperator(db: OuranosDb, p: string, operatorId: string) {
  return db
    .selectFrom('ouranos_operators')
    .selectAll()
    .where('participant_id', '=', p)
    .where('operator_id', '=', operatorId)
    .executeTakeFirst();
}

export async function findPart(db: OuranosDb, p: string, traceId: string) {
  return db
    .selectFrom('ouranos_parts')
    .selectAll()
    .where('participant_id', '=', p)
    .where('trace_id', '=', traceId)
    .executeTakeFirst();
}

export async function partsOf(db: OuranosDb, p: string, traceIds: readonly string[]): Promise<PartRow[]> {
  if (traceIds.length === 0) return [];
  return db
    .selectFrom('ouranos_parts')
    .selectAll()
    .where('participant_id', '=', p)
    .where('trace_id', 'in', [...traceIds])
    .execute();
}

export async function cfpsOf(db: OuranosDb, p: string, traceIds: readonly string[]): Promise<CfpRow[]> {
  if (traceIds.length === 0) return [];
  return db
    .selectFrom('ouranos_cfps')
    .selectAll()
    .where('participant_id', '=', p)
    .where('trace_id', 'in', [...traceIds])
    .execute();
}

export async function childrenOf(db: OuranosDb, p: string, parents: readonly string[]) {
  if (parents.length === 0) return [];
  return db
    .selectFrom('ouranos_parts_structures')
    .selectAll()
    .where('participant_id', '=', p)
    .where('parent_trace_id', 'in', [...parents])
    .execute();
}

/** Trades whose downstream (requesting) part is one of `traceIds`, cancelled ones left out. */
export async function tradesFrom(db: OuranosDb, p: string, traceIds: readonly string[]): Promise<TradeRow[]> {
  if (traceIds.length === 0) return [];
  return db
    .selectFrom('ouranos_trades')
    .selectAll()
    .where('participant_id', '=', p)
    .where('downstream_trace_id', 'in', [...traceIds])
    .where('cfp_response_status', '!=', 'CANCEL')
    .execute();
}

export async function findTrade(db: OuranosDb, p: string, by: { tradeId?: string; statusId?: string }) {
  let q = db.selectFrom('ouranos_trades').selectAll().where('participant_id', '=', p);
  if (by.tradeId) q = q.where('trade_id', '=', by.tradeId);
  if (by.statusId) q = q.where('status_id', '=', by.statusId);
  return q.executeTakeFirst();
}
