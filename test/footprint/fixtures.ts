/** Trace ids of A's pack and cell (UUIDs, as Ouranos has them). */
export const A = '8fc6aa29-5f4f-476e-85e3-2d1b54715891';
export const A1 = '1f2a5c7e-3b4d-4e6f-8a9b-0c1d2e3f4a5b';

import type { CompanyData, Footprint, OwnEmissions } from '../../src/apps/footprint/index.js';

/**
 * A battery-pack maker (A) buying a cell (A1, 5 kg per pack) from a cell maker (B): the worked
 * check, with every PACT v3 field stated on both sides so the mappings have something to carry.
 */
export const fullPcf = (scale: number) => ({
  pcfExcludingBiogenicUptake: String(23 * scale),
  pcfIncludingBiogenicUptake: String(22 * scale),
  fossilGhgEmissions: String(21 * scale),
  fossilCarbonContent: String(0.5 * scale),
  biogenicCarbonContent: String(0.1 * scale),
  landUseChangeGhgEmissions: String(0.2 * scale),
  biogenicCO2Uptake: String(-1 * scale),
  aircraftGhgEmissions: '0',
});

const scope = {
  referencePeriodStart: '2025-04-01T00:00:00+09:00',
  referencePeriodEnd: '2026-04-01T00:00:00+09:00',
  ipccCharacterizationFactors: ['AR6'],
  crossSectoralStandards: ['ISO14067', 'GHGP-Product', 'PACT-3.0'],
  exemptedEmissionsPercent: '0',
  packagingEmissionsIncluded: false,
  boundaryProcessesDescription: '正極材の焼成、セル組立、モジュール組立（工場電力を含む）',
  geographyCountry: 'JP',
};

export const ownA: OwnEmissions = {
  traceId: A,
  pre: { emissions: '3.0', dqr: { TeR: '1', GeR: '1', TiR: '1' } },
  main: { emissions: '20.0', dqr: { TeR: '1', GeR: '2', TiR: '1' } },
  pcf: fullPcf(1),
  primaryDataShare: '100',
  dqi: { technologicalDQR: '1', geographicalDQR: '1.5', temporalDQR: '1' },
  ...scope,
};

export const answerB: Footprint = {
  traceId: '2fb97052-250b-44de-acbb-1ba63e28af71',
  declaredUnit: 'kg',
  declaredUnitAmount: '1',
  productMassPerDeclaredUnit: '1',
  stages: {
    pre: { own: '1.5', components: '0', dqr: { TeR: '2', GeR: '2', TiR: '3' } },
    main: { own: '10.0', components: '0', dqr: { TeR: '2', GeR: '3', TiR: '4' } },
  },
  pcf: fullPcf(0.5),
  primaryDataShare: '40',
  dqi: { technologicalDQR: '2', geographicalDQR: '3', temporalDQR: '3' },
  ...scope,
  partial: false,
  missing: [],
};

export const companyA: CompanyData = {
  operator: {
    operatorId: 'b39e6248-c888-56ca-d9d0-89de1b1adc8e',
    operatorName: 'A電池株式会社',
    openOperatorId: '1234567890123',
  },
  parts: [
    {
      traceId: A,
      operatorId: 'b39e6248-c888-56ca-d9d0-89de1b1adc8e',
      partsName: '電池パック A',
      unit: 'piece',
      terminatedFlag: false,
      massPerUnit: '12.5',
    },
    {
      traceId: A1,
      operatorId: 'b39e6248-c888-56ca-d9d0-89de1b1adc8e',
      partsName: 'セル A1',
      unit: 'kg',
      terminatedFlag: false,
    },
  ],
  bom: [{ parentTraceId: A, childTraceId: A1, quantity: '5', unit: 'kg' }],
  own: [ownA],
  tradeLinks: [
    {
      downstreamTraceId: A1,
      upstreamOperatorId: '15572d1c-ec13-0d78-7f92-dd4278871373',
      upstreamTraceId: answerB.traceId,
    },
  ],
};
