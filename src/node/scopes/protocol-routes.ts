import { catalogRoutes } from './catalog.js';
import { negotiationRoutes } from './negotiations.js';
import type { ScopeRoutes } from './protocol.js';
import { tckRoutes } from './tck.js';
import { transferRoutes } from './transfers.js';

/**
 * The DSP capabilities mounted under `/dsp` and `/p/<participant>/dsp`. Each capability adds its plugin here
 * (one line), so the server does not need to know them one by one.
 */
export const dspRoutes: readonly ScopeRoutes[] = [
  catalogRoutes,
  negotiationRoutes,
  transferRoutes,
  tckRoutes,
];
