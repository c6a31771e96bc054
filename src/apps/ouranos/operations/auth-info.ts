// `authInfo`: the calling operator, operators by public id, its plants.
import { randomUUID } from 'node:crypto';
import { forbidden, notFound, OuranosError } from '../errors.js';
import type { OperatorModel, PlantModel } from '../model.js';
import { findOperator, type OperatorRow, operatorView, plantView } from '../store.js';
import { uuidList, validOperator, validPlant } from '../validate.js';
import type { Answer, Caller, Query } from './caller.js';
import { created, ok, only } from './caller.js';

export async function getOperator(c: Caller, q: Query): Promise<Answer> {
  only(q, ['dataTarget', 'openOperatorId', 'operatorIds'], 'auth');
  const { db, participantId: p } = c;
  if (q.operatorIds !== undefined) {
    const ids = uuidList(q.operatorIds, 'operatorIds', 100);
    const rows = await db
      .selectFrom('ouranos_operators')
      .selectAll()
      .where('participant_id', '=', p)
      .where('operator_id', 'in', ids)
      .execute();
    return ok(rows.map(operatorView));
  }
  if (q.openOperatorId !== undefined) {
    const row = await db
      .selectFrom('ouranos_operators')
      .selectAll()
      .where('participant_id', '=', p)
      .where('open_operator_id', '=', q.openOperatorId)
      .executeTakeFirst();
    if (row) return ok(operatorView(row));
    const remote = await c.bridge?.findOperator(q.openOperatorId);
    if (remote) return ok(remote);
    throw notFound('operator', 'auth');
  }
  return ok(operatorView(c.operator));
}

export async function putOperator(c: Caller, q: Query, body: unknown): Promise<Answer> {
  only(q, ['dataTarget'], 'auth');
  const o: OperatorModel = validOperator(body);
  if (o.operatorId !== c.operator.operator_id) throw forbidden('auth');
  if (o.openOperatorId !== c.operator.open_operator_id)
    throw new OuranosError(400, 'auth', 'Validation failed, openOperatorId: cannot be changed.');
  const at = c.now.toISOString();
  await c.db
    .updateTable('ouranos_operators')
    .set({
      operator_name: o.operatorName,
      operator_address: o.operatorAddress,
      global_operator_id: o.operatorAttribute.globalOperatorId ?? null,
      updated_at: at,
    })
    .where('participant_id', '=', c.participantId)
    .where('operator_id', '=', o.operatorId)
    .execute();
  const row = await findOperator(c.db, c.participantId, o.operatorId);
  return created(operatorView(row as OperatorRow));
}

export async function getPlants(c: Caller, q: Query): Promise<Answer> {
  only(q, ['dataTarget'], 'auth');
  const rows = await c.db
    .selectFrom('ouranos_plants')
    .selectAll()
    .where('participant_id', '=', c.participantId)
    .where('operator_id', '=', c.operator.operator_id)
    .orderBy('plant_name')
    .orderBy('plant_id')
    .execute();
  return ok(rows.map(plantView));
}

export async function putPlant(c: Caller, q: Query, body: unknown): Promise<Answer> {
  only(q, ['dataTarget'], 'auth');
  const plant: PlantModel = validPlant(body);
  if (plant.operatorId !== c.operator.operator_id) throw forbidden('auth');
  const p = c.participantId;
  const at = c.now.toISOString();
  const plantId = plant.plantId ?? randomUUID();
  const globalPlantId = plant.plantAttribute.globalPlantId ?? null;
  const same = await c.db
    .selectFrom('ouranos_plants')
    .select(['plant_id', 'open_plant_id', 'global_plant_id'])
    .where('participant_id', '=', p)
    .where('operator_id', '=', plant.operatorId)
    .where('plant_id', '!=', plantId)
    .where((eb) =>
      eb.or([
        eb('open_plant_id', '=', plant.openPlantId),
        ...(globalPlantId !== null ? [eb('global_plant_id', '=', globalPlantId)] : []),
      ]),
    )
    .executeTakeFirst();
  if (same)
    throw new OuranosError(
      400,
      'auth',
      'Validation failed, openPlantId or globalPlantId is already registered.',
    );
  const values = {
    plant_name: plant.plantName,
    plant_address: plant.plantAddress,
    open_plant_id: plant.openPlantId,
    global_plant_id: globalPlantId,
    updated_at: at,
  };
  if (plant.plantId === null) {
    await c.db
      .insertInto('ouranos_plants')
      .values({
        participant_id: p,
        plant_id: plantId,
        operator_id: plant.operatorId,
        created_at: at,
        ...values,
      })
      .execute();
  } else {
    const r = await c.db
      .updateTable('ouranos_plants')
      .set(values)
      .where('participant_id', '=', p)
      .where('operator_id', '=', plant.operatorId)
      .where('plant_id', '=', plantId)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0) throw notFound('plant', 'auth');
  }
  return created({ ...plant, plantId, plantAttribute: { globalPlantId } });
}
