/**
 * The Ouranos data platform's models (データ連携基盤 API v3.0.0, `traceability.*` and `authentication.*`), as
 * they cross the API: plain JSON values. Decimals are JSON numbers on the wire and decimal strings inside.
 */

export const partsUnits = [
  'liter',
  'kilogram',
  'cubic-meter',
  'kilowatt-hour',
  'megajoule',
  'ton-kilometer',
  'square-meter',
  'unit',
] as const;
export type PartsUnit = (typeof partsUnits)[number];

export const ghgUnits = partsUnits.map((u) => `kgCO2e/${u}`) as readonly GhgUnit[];
export type GhgUnit = `kgCO2e/${PartsUnit}`;

export interface OperatorModel {
  operatorId: string;
  operatorName: string;
  operatorAddress: string;
  openOperatorId: string;
  operatorAttribute: { globalOperatorId?: string | null };
}

export interface PlantModel {
  plantId: string | null;
  operatorId: string;
  plantName: string;
  plantAddress: string;
  openPlantId: string;
  plantAttribute: { globalPlantId?: string | null };
}

export interface PartsModel {
  traceId: string | null;
  operatorId: string;
  plantId: string;
  partsName: string;
  supportPartsName: string | null;
  terminatedFlag: boolean;
  amountRequired: number | null;
  amountRequiredUnit: PartsUnit | null;
  partsLabelName?: string | null;
  partsAddInfo1?: string | null;
  partsAddInfo2?: string | null;
  partsAddInfo3?: string | null;
}

export interface PartsStructureModel {
  parentPartsModel: PartsModel;
  childrenPartsModel: PartsModel[];
}

export const cfpResponseStatuses = ['NOT_COMPLETED', 'COMPLETED', 'REJECT', 'CANCEL'] as const;
export type CfpResponseStatus = (typeof cfpResponseStatuses)[number];

export interface RequestStatus {
  cfpResponseStatus?: CfpResponseStatus;
  tradeTreeStatus?: 'TERMINATED' | 'UNTERMINATED';
  completedCount?: number | null;
  completedCountModifiedAt?: string | null;
  tradesCount?: number | null;
  tradesCountModifiedAt?: string | null;
}

export interface StatusModel {
  statusId: string | null;
  tradeId: string | null;
  requestStatus: RequestStatus;
  message: string | null;
  replyMessage: string | null;
  requestType: 'CFP';
  responseDueDate: string | null;
}

export interface TradeModel {
  tradeId: string | null;
  downstreamOperatorId: string;
  upstreamOperatorId: string;
  downstreamTraceId: string;
  upstreamTraceId: string | null;
}

export interface TradeRequestModel {
  tradeModel: TradeModel;
  statusModel: StatusModel;
}

export interface TradeResponseModel {
  statusModel: StatusModel;
  tradeModel: TradeModel;
  partsModel: PartsModel;
}

/** What an operator registers: own (`…Production`) and from components (`…Component`) per stage. */
export const ownCfpTypes = ['preProduction', 'mainProduction', 'preComponent', 'mainComponent'] as const;
export type OwnCfpType = (typeof ownCfpTypes)[number];
export const cfpTypes = [
  ...ownCfpTypes,
  'preProductionTotal',
  'mainProductionTotal',
  'preComponentTotal',
  'mainComponentTotal',
  'preProductionResponse',
  'mainProductionResponse',
] as const;
export type CfpType = (typeof cfpTypes)[number];
export const dqrTypes = [
  'preProcessing',
  'mainProcessing',
  'preProcessingTotal',
  'mainProcessingTotal',
  'preProcessingResponse',
  'mainProcessingResponse',
] as const;
export type DqrType = (typeof dqrTypes)[number];

export interface DqrValue<N = number | null> {
  TeR: N;
  GeR: N;
  TiR: N;
}

export interface CfpModel {
  cfpId: string | null;
  traceId: string;
  ghgEmission: number | null;
  ghgDeclaredUnit: GhgUnit;
  cfpType: CfpType;
  dqrType: DqrType;
  dqrValue: DqrValue;
}

export interface CfpCertificationModel {
  cfpCertificationId: string;
  traceId: string;
  cfpCertificationDescription: string | null;
  cfpCertificationFileInfo:
    | { operatorId: string | null; fileId: string | null; fileName: string | null }[]
    | null;
}

export interface LoginInputModel {
  operatorAccountId: string;
  accountPassword: string;
}
