import { invalid, OuranosError } from './errors.js';
import {
  type CfpModel,
  type CfpResponseStatus,
  cfpResponseStatuses,
  type DqrValue,
  dqrTypes,
  ghgUnits,
  type OperatorModel,
  ownCfpTypes,
  type PartsModel,
  type PartsStructureModel,
  type PlantModel,
  partsUnits,
  type StatusModel,
  type TradeRequestModel,
} from './model.js';

/**
 * The request bodies checked against the limits of the platform's OpenAPI (`components.schemas`): types, required
 * members, lengths, enums, ranges, uuids, at most 5 decimals. Pure: a value in, the typed model or an
 * `OuranosError` (400, `Validation failed, <where>: <why>.`) out. Unknown members are ignored, as the platform does.
 */
type Spec =
  | {
      kind: 'string';
      nullable?: boolean;
      min?: number;
      max?: number;
      pattern?: RegExp;
      values?: readonly string[];
    }
  | { kind: 'uuid'; nullable?: boolean }
  | { kind: 'number'; nullable?: boolean; min: number; max: number }
  | { kind: 'boolean' }
  | { kind: 'date'; nullable?: boolean }
  | { kind: 'object'; nullable?: boolean; members: Members }
  | { kind: 'any-object' };
type Members = Record<string, { spec: Spec; required: boolean }>;

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const datePattern = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const max5 = 99999.99999;

export const isUuid = (s: unknown): s is string => typeof s === 'string' && uuidPattern.test(s);

/** At most five decimals, judged on the number's shortest decimal text (what the JSON said). */
export function hasAtMost5Decimals(n: number): boolean {
  const text = String(n);
  if (/e/i.test(text)) {
    const [mantissa, exp] = text.toLowerCase().split('e') as [string, string];
    const decimals = (mantissa.split('.')[1]?.length ?? 0) - Number(exp);
    return decimals <= 5;
  }
  return (text.split('.')[1]?.length ?? 0) <= 5;
}

function check(spec: Spec, value: unknown, where: string): string | undefined {
  if (value === null || value === undefined) {
    if ('nullable' in spec && spec.nullable) return undefined;
    return `${where}: cannot be blank.`;
  }
  switch (spec.kind) {
    case 'string': {
      if (typeof value !== 'string')
        return `${where}: Unmarshal type error: expected=string, got=${typeof value}.`;
      const length = [...value].length;
      if (spec.values && !spec.values.includes(value)) return `${where}: cannot be allowed '${value}'.`;
      if (spec.min !== undefined && length < spec.min)
        return spec.min === 1
          ? `${where}: cannot be blank.`
          : `${where}: the length must be between ${spec.min} and ${spec.max}.`;
      if (spec.max !== undefined && length > spec.max)
        return `${where}: the length must be no more than ${spec.max}.`;
      if (spec.pattern && !spec.pattern.test(value)) return `${where}: must be in a valid format.`;
      return undefined;
    }
    case 'uuid':
      if (typeof value !== 'string')
        return `${where}: Unmarshal type error: expected=string, got=${typeof value}.`;
      return uuidPattern.test(value) ? undefined : `${where}: invalid UUID.`;
    case 'date':
      if (typeof value !== 'string')
        return `${where}: Unmarshal type error: expected=string, got=${typeof value}.`;
      return datePattern.test(value) && !Number.isNaN(Date.parse(value))
        ? undefined
        : `${where}: must be a valid date (YYYY-MM-DD).`;
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value))
        return `${where}: Unmarshal type error: expected=number, got=${typeof value}.`;
      if (value < spec.min || value > spec.max)
        return `${where}: must be between ${spec.min} and ${spec.max}.`;
      return hasAtMost5Decimals(value) ? undefined : `${where}: must be a value up to the 5th decimal place.`;
    case 'boolean':
      return typeof value === 'boolean'
        ? undefined
        : `${where}: Unmarshal type error: expected=bool, got=${typeof value}.`;
    case 'any-object':
      return typeof value === 'object' && !Array.isArray(value)
        ? undefined
        : `${where}: Unmarshal type error: expected=object, got=${Array.isArray(value) ? 'array' : typeof value}.`;
    case 'object':
      return checkObject(spec.members, value, where);
  }
}

function checkObject(members: Members, value: unknown, where: string): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return `${where}: Unmarshal type error: expected=object, got=${Array.isArray(value) ? 'array' : typeof value}.`;
  const o = value as Record<string, unknown>;
  for (const [name, { spec, required }] of Object.entries(members)) {
    if (!(name in o)) {
      if (required) return `${where ? `${where}.` : ''}${name}: cannot be blank.`;
      continue;
    }
    const problem = check(spec, o[name], `${where ? `${where}.` : ''}${name}`);
    if (problem) return problem;
  }
  return undefined;
}

const req = (spec: Spec) => ({ spec, required: true });
const opt = (spec: Spec) => ({ spec, required: false });
const text = (min: number, max: number, nullable = false): Spec => ({ kind: 'string', min, max, nullable });

const partsMembers: Members = {
  traceId: req({ kind: 'uuid', nullable: true }),
  operatorId: req({ kind: 'uuid' }),
  plantId: req({ kind: 'uuid' }),
  partsName: req(text(1, 50)),
  supportPartsName: req(text(0, 50, true)),
  terminatedFlag: req({ kind: 'boolean' }),
  amountRequired: req({ kind: 'number', nullable: true, min: 0, max: max5 }),
  amountRequiredUnit: req({ kind: 'string', nullable: true, values: partsUnits }),
  partsLabelName: opt(text(0, 50, true)),
  partsAddInfo1: opt(text(0, 50, true)),
  partsAddInfo2: opt(text(0, 50, true)),
  partsAddInfo3: opt(text(0, 50, true)),
};

const plantMembers: Members = {
  plantId: req({ kind: 'uuid', nullable: true }),
  operatorId: req({ kind: 'uuid' }),
  plantName: req(text(1, 256)),
  plantAddress: req(text(1, 256)),
  openPlantId: req({ kind: 'string', min: 6, max: 26, pattern: /[0-9]{6}$/ }),
  plantAttribute: req({
    kind: 'object',
    members: { globalPlantId: opt(text(0, 256, true)) },
  }),
};

const operatorMembers: Members = {
  operatorId: req({ kind: 'uuid' }),
  operatorName: req(text(1, 256)),
  operatorAddress: req(text(1, 256)),
  openOperatorId: req(text(1, 20)),
  operatorAttribute: req({ kind: 'object', members: { globalOperatorId: opt(text(0, 256, true)) } }),
};

const requestStatusMembers: Members = {
  cfpResponseStatus: opt({ kind: 'string', values: cfpResponseStatuses }),
  tradeTreeStatus: opt({ kind: 'string', values: ['TERMINATED', 'UNTERMINATED'] }),
};

const statusMembers: Members = {
  statusId: req({ kind: 'uuid', nullable: true }),
  tradeId: req({ kind: 'uuid', nullable: true }),
  requestStatus: req({ kind: 'object', members: requestStatusMembers }),
  message: req(text(0, 1000, true)),
  replyMessage: req(text(0, 1000, true)),
  requestType: req({ kind: 'string', values: ['CFP'] }),
  responseDueDate: req({ kind: 'date', nullable: true }),
};

const tradeMembers: Members = {
  tradeId: req({ kind: 'uuid', nullable: true }),
  downstreamOperatorId: req({ kind: 'uuid' }),
  upstreamOperatorId: req({ kind: 'uuid' }),
  downstreamTraceId: req({ kind: 'uuid' }),
  upstreamTraceId: req({ kind: 'uuid', nullable: true }),
};

const rating = (): Spec => ({ kind: 'number', nullable: true, min: 0, max: max5 });
const cfpMembers: Members = {
  cfpId: req({ kind: 'uuid', nullable: true }),
  traceId: req({ kind: 'uuid' }),
  ghgEmission: req({ kind: 'number', nullable: true, min: 0, max: max5 }),
  ghgDeclaredUnit: req({ kind: 'string', values: ghgUnits }),
  cfpType: req({ kind: 'string', values: ownCfpTypes }),
  dqrType: req({ kind: 'string', values: dqrTypes.slice(0, 2) }),
  dqrValue: req({ kind: 'object', members: { TeR: req(rating()), GeR: req(rating()), TiR: req(rating()) } }),
};

function validated<T>(members: Members, value: unknown, where = ''): T {
  const problem = checkObject(members, value, where);
  if (problem) throw invalid(problem);
  return value as T;
}

export const validPart = (v: unknown, where = ''): PartsModel =>
  validated<PartsModel>(partsMembers, v, where);
export const validPlant = (v: unknown): PlantModel => {
  try {
    return validated<PlantModel>(plantMembers, v);
  } catch (e) {
    throw asAuth(e);
  }
};
export const validOperator = (v: unknown): OperatorModel => {
  try {
    return validated<OperatorModel>(operatorMembers, v);
  } catch (e) {
    throw asAuth(e);
  }
};
const asAuth = (e: unknown) =>
  e instanceof OuranosError ? new OuranosError(e.status, 'auth', e.message) : e;

export function validPartsStructure(v: unknown): PartsStructureModel {
  validated({ parentPartsModel: req({ kind: 'any-object' }) }, v);
  const s = v as PartsStructureModel;
  if (!Array.isArray(s.childrenPartsModel))
    throw invalid('childrenPartsModel: Unmarshal type error: expected=array.');
  validPart(s.parentPartsModel, 'parentPartsModel');
  if (s.childrenPartsModel.length > 50)
    throw invalid('childrenPartsModel: the length must be no more than 50.');
  for (const [i, c] of s.childrenPartsModel.entries()) validPart(c, `childrenPartsModel[${i}]`);
  if (s.parentPartsModel.amountRequired !== null)
    throw invalid('parentPartsModel.amountRequired: must be null for a parent part.');
  return s;
}

export function validTradeRequest(v: unknown): TradeRequestModel {
  const r = validated<TradeRequestModel>(
    { statusModel: req({ kind: 'any-object' }), tradeModel: req({ kind: 'any-object' }) },
    v,
  );
  validated(statusMembers, r.statusModel, 'statusModel');
  validated(tradeMembers, r.tradeModel, 'tradeModel');
  return r;
}

export function validStatus(
  v: unknown,
): StatusModel & { requestStatus: { cfpResponseStatus: CfpResponseStatus } } {
  const s = validated<StatusModel>(statusMembers, v);
  const status = s.requestStatus.cfpResponseStatus;
  if (!status || !s.requestStatus.tradeTreeStatus)
    throw invalid('requestStatus: cfpResponseStatus and tradeTreeStatus cannot be blank.');
  if (status !== 'CANCEL' && status !== 'REJECT')
    throw invalid(`requestStatus.cfpResponseStatus: cannot be allowed '${status}'.`);
  if (!s.statusId) throw invalid('statusId: cannot be blank.');
  return s as StatusModel & { requestStatus: { cfpResponseStatus: CfpResponseStatus } };
}

/**
 * `PUT dataTarget=cfp`: the four own records of one part at once, as the platform requires — every type once,
 * one cfpId / traceId / unit, each type with its stage's DQR type, one DQR per stage, and a stage rated only when
 * it emits something.
 */
export function validCfpRecords(v: unknown): CfpModel[] {
  if (!Array.isArray(v))
    throw invalid(`Unmarshal type error: expected=array, got=${v === null ? 'null' : typeof v}.`);
  v.forEach((r, i) => {
    const problem = checkObject(cfpMembers, r, '');
    if (problem) throw invalid(`cfpModel[${i}]: (${problem})`);
  });
  const records = v as CfpModel[];
  if (records.length !== 4) throw invalid('cfp models must be 4 elements');
  for (const t of ownCfpTypes)
    if (!records.some((r) => r.cfpType === t)) throw invalid(`cfpType ${t} is insufficient`);
  for (const field of ['cfpId', 'traceId', 'ghgDeclaredUnit'] as const)
    if (new Set(records.map((r) => r[field])).size !== 1)
      throw invalid(`ensure all objects have the same ${field}`);
  records.forEach((r, i) => {
    if (!r.dqrType.startsWith(r.cfpType.startsWith('pre') ? 'pre' : 'main'))
      throw invalid(`cfpModel[${i}]: (ensure the combination of cfpType and dqrType is correct.).`);
  });
  for (const stage of ['pre', 'main'] as const) {
    const ofStage = records.filter((r) => r.cfpType.startsWith(stage));
    const [a, b] = ofStage as [CfpModel, CfpModel];
    if (!sameDqr(a.dqrValue, b.dqrValue)) throw invalid('different dqrValues are set for the same dqrType.');
    const rated = [a.dqrValue.TeR, a.dqrValue.GeR, a.dqrValue.TiR].some((x) => x !== null && x > 0);
    const emits = ofStage.some((r) => r.ghgEmission !== null && r.ghgEmission > 0);
    if (rated && !emits)
      throw invalid(
        `set ghgEmission to a value greater than 0 for cfpType of ${stage}Production or ${stage}Component.`,
      );
  }
  return records;
}

const sameDqr = (a: DqrValue, b: DqrValue) => a.TeR === b.TeR && a.GeR === b.GeR && a.TiR === b.TiR;

/** `a,b,c` of at most `max` uuids. */
export function uuidList(value: string | undefined, name: string, max: number): string[] {
  if (value === undefined || value === '')
    throw new OuranosError(400, 'dataspace', `Invalid request parameters, ${name}: cannot be blank`);
  const ids = value.split(',').map((s) => s.trim());
  if (ids.length > max)
    throw new OuranosError(400, 'dataspace', `Invalid request parameters, ${name}: up to ${max} ids`);
  for (const id of ids)
    if (!isUuid(id))
      throw new OuranosError(400, 'dataspace', `Invalid request parameters, ${name}: invalid UUID '${id}'`);
  return ids;
}
