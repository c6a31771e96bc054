import type { Footprint } from '../footprint/index.js';
import type { OperatorModel, PartsModel, TradeModel } from './model.js';

/**
 * The port to operators hosted elsewhere. Trades between operators of one Ouranos base (one participant, which may
 * host many companies) are served here directly; a trade whose upstream operator is not hosted here goes through
 * this bridge, which the node wires to the footprint exchange over DSP agreements. Without a bridge such operators
 * are simply unknown (404).
 */
export interface OuranosTradeBridge {
  /** An operator hosted elsewhere, by its public id (法人番号), or undefined. */
  findOperator(openOperatorId: string): Promise<OperatorModel | undefined>;
  /** Whether an operator id belongs to an operator hosted elsewhere that this bridge can reach. */
  knowsOperator(operatorId: string): Promise<boolean>;
  /**
   * Sends a new request to the upstream operator. `part` is the downstream part as the supplier may see it
   * (`amountRequired` already withheld).
   */
  sendRequest(request: {
    trade: TradeModel;
    part: PartsModel;
    message: string | null;
    responseDueDate: string | null;
  }): Promise<void>;
  /** The supplier's answer (its published footprint of `upstreamTraceId`), once it has one. */
  answer(trade: TradeModel & { upstreamTraceId: string }): Promise<Footprint | undefined>;
}
