import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { InvalidInput } from '../../errors/index.js';
import { appendAudit, type Tables } from '../../store/index.js';
import { enqueue, type OutboxItem } from '../outbox/index.js';
import { type Answer, messageKey, receiveOnce } from '../process/index.js';
import { type DataAddress, transferInput, transferMessages } from '../protocol/index.js';
import {
  AgreementNotUsable,
  ProviderAddressUnknown,
  PushTargetMissing,
  TransferChanged,
  TransferNotFound,
  TransferPidMismatch,
  UnsupportedFormat,
} from './errors.js';
import {
  deadlineFor,
  httpEndpointType,
  isCallbackAddress,
  joinUrl,
  messageOfEndpoint,
  messagePath,
  peerOf,
  transferFormats,
} from './steps.js';
import {
  assetIsFinite,
  findByConsumerPid,
  findByIdempotencyKey,
  findTransfer,
  insertTransfer,
  nextTransferDeadline,
  providerAddressOf,
  type Transfer,
  transfersPastDeadline,
  updateTransfer,
  usableAgreement,
} from './store.js';
import {
  isTerminalTransfer,
  nextTransferState,
  type TransferMessage,
  type TransferState,
} from './transfer.js';

/** A step we take ourselves: from the management API, a scripted reaction, or a deadline. */
export type TransferAction =
  | { readonly kind: 'start' }
  | { readonly kind: 'complete' }
  | { readonly kind: 'suspend'; readonly code?: string; readonly reason?: string }
  | {
      readonly kind: 'terminate';
      readonly code: string;
      /** What the peer is told. */
      readonly reason: string;
      /** The full reason, kept on our record and in the audit log only (default: `reason`). */
      readonly localReason?: string;
    };

/**
 * Our automatic steps after the counterparty moved a transfer (default: a provider starts a requested transfer
 * at once). Scripted peers (the conformance profile) return their own list; undefined keeps the default.
 */
export type TransferReact = (t: Transfer) => Promise<readonly TransferAction[] | undefined>;

export interface TransferDeps {
  readonly db: Kysely<Tables>;
  readonly now: () => Date;
  /** Something became due at `at` (default now): the process runtime's wake. */
  readonly wake: (at?: Date) => void;
  /** This participant's DSP base: the callbackAddress of the requests it sends. */
  readonly callbackAddress: (participantId: string) => string;
  /** Where a consumer pulls the data of a started transfer (the data plane). */
  readonly dataEndpoint: (participantId: string, transferId: string) => string;
  /** How long a state waiting on the counterparty lasts before it is terminated; 0 = for ever. */
  readonly deadlineMs: number;
  /** How long a provider's STARTED pull of finite data waits for the consumer to complete; 0 = for ever. */
  readonly startedDeadlineMs?: number;
  readonly react?: TransferReact;
  /** Provider, pull: the tokens a start hands out and their revocation when the transfer stops (the data plane). */
  readonly pullTokens?: PullTokens;
  /**
   * Consumer: keeps a received pull EDR apart from the transfer record (its tokens sealed), in the transaction
   * that records the start; answers the address the record keeps (without the tokens).
   */
  readonly edrs?: {
    keep(
      trx: Kysely<Tables>,
      participantId: string,
      transferId: string,
      address: DataAddress,
      at: Date,
    ): Promise<DataAddress>;
  };
  /**
   * Provider: a push transfer whose TransferStartMessage the consumer acknowledged; the data plane pushes, then
   * completes or terminates it.
   */
  readonly pushStarted?: (t: Transfer) => void;
  /**
   * Provider: usage control on a TransferRequestMessage (the agreement's policy now, the purpose the request
   * declares), in the request's transaction. A refusal terminates the transfer with its code, sent to the peer.
   */
  readonly admit?: (
    trx: Kysely<Tables>,
    t: Transfer,
    request: Readonly<Record<string, unknown>>,
  ) => Promise<{ readonly code: string; readonly reason: string } | undefined>;
}

/**
 * The data plane's side of a pull: `issue` writes a fresh access + refresh token pair for a start (in the start's
 * transaction) and answers the EDR endpoint properties; `revoke` stops a transfer's tokens at once.
 */
export interface PullTokens {
  issue(trx: Kysely<Tables>, t: Transfer, at: Date): Promise<readonly { name: string; value: string }[]>;
  revoke(trx: Kysely<Tables>, t: Transfer, reason: string, at: Date): Promise<void>;
}

/** A received DSP transfer message, already authenticated and schema-checked. */
export interface Incoming {
  readonly participantId: string;
  readonly sender: string;
  /** Our pid from the path; undefined for a TransferRequestMessage. */
  readonly pid?: string;
  /** `request`, or the path after the pid: `start`, `completion`, `suspension`, `termination`. */
  readonly endpoint: string;
  readonly body: Record<string, unknown>;
}

export interface NewTransfer {
  readonly participantId: string;
  readonly actor: string;
  readonly agreementId: string;
  readonly format: string;
  /** The provider's DSP base; default: where the agreement was negotiated. */
  readonly providerAddress?: string;
  /** PUSH: where the provider pushes to. */
  readonly dataAddress?: DataAddress;
  readonly idempotencyKey?: string;
  /** The purpose declared to the provider (the request's `odrl:purpose`); default: the agreement's. */
  readonly purpose?: string;
}

/** Collected while a transaction runs; acted on once it committed. */
interface Effects {
  sent: boolean;
  deadlines: string[];
}

const processType = 'transfer';

/** Actors that are the node itself (a deadline, the policy monitor), not an operator's API call. */
const automatedActors: ReadonlySet<string> = new Set(['system', 'policy-monitor']);

/** The TransferProcess acknowledgement: the process as it now stands. */
export const transferAnswer = (t: Transfer) =>
  transferMessages.process({
    providerPid: t.providerPid ?? '',
    consumerPid: t.consumerPid ?? '',
    state: t.state,
  });

const messageOf: Readonly<Record<TransferAction['kind'], TransferMessage>> = {
  start: 'TransferStartMessage',
  complete: 'TransferCompletionMessage',
  suspend: 'TransferSuspensionMessage',
  terminate: 'TransferTerminationMessage',
};

function reasonText(reason: unknown): string | null {
  if (!Array.isArray(reason)) return null;
  return reason.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('; ') || null;
}

export function transferService(deps: TransferDeps) {
  const deadlines = { waitingMs: deps.deadlineMs, startedMs: deps.startedDeadlineMs ?? 0 };
  const audit = (
    trx: Kysely<Tables>,
    t: Transfer,
    actor: string,
    via: string,
    from: TransferState | 'NEW',
    message: string,
    at: Date,
  ) =>
    appendAudit(
      trx,
      {
        participantId: t.participantId,
        actor,
        action: `transfer.${t.state.toLowerCase()}`,
        resourceType: 'transfer',
        resourceId: t.id,
        via,
        outcome: 'success',
        ...(t.reasonCode ? { reason: t.reasonCode } : {}),
        details: {
          from,
          to: t.state,
          message,
          role: t.role,
          counterparty: t.counterpartyId,
          agreementId: t.agreementId,
          format: t.format,
          // the full reason of an end or a pause (ours may say more than the peer was told)
          ...(t.reason && (t.state === 'TERMINATED' || t.state === 'SUSPENDED')
            ? { reasonText: t.reason }
            : {}),
        },
      },
      at,
    );

  const changed = (t: Transfer, to: TransferState, at: Date, extra: Partial<Transfer> = {}): Transfer => ({
    ...t,
    ...extra,
    state: to,
    deadlineAt: deadlineFor({ ...t, state: to }, at, deadlines),
    // a finished transfer's pull token is dead; the data plane also checks the state
    ...(isTerminalTransfer(to) ? { accessTokenHash: null } : {}),
    updatedAt: at.toISOString(),
  });

  function settle(e: Effects): void {
    if (e.sent) deps.wake();
    for (const d of e.deadlines) deps.wake(new Date(d));
  }

  const pids = (t: Transfer) => ({ providerPid: t.providerPid ?? '', consumerPid: t.consumerPid ?? '' });

  /** A pull's tokens stop the moment its transfer leaves STARTED (suspended, completed, terminated). */
  async function retire(trx: Kysely<Tables>, t: Transfer, at: Date): Promise<void> {
    if (t.role !== 'provider' || t.format !== 'HttpData-PULL' || !deps.pullTokens) return;
    if (t.state === 'STARTED' || t.state === 'REQUESTED') return;
    await deps.pullTokens.revoke(trx, t, `transfer.${t.state.toLowerCase()}`, at);
  }

  /** The message for our own action, and what it changes on our record beyond the state. */
  async function outgoing(
    trx: Kysely<Tables>,
    t: Transfer,
    action: TransferAction,
    at: Date,
  ): Promise<{ body: unknown; extra: Partial<Transfer> }> {
    switch (action.kind) {
      case 'start': {
        if (t.role === 'consumer' || t.format !== 'HttpData-PULL')
          return { body: transferMessages.start(pids(t)), extra: {} };
        // Fresh tokens per start (a restart after suspension too): the data plane keeps only their hashes.
        const dataAddress: DataAddress = {
          endpointType: httpEndpointType,
          endpoint: deps.dataEndpoint(t.participantId, t.id),
          endpointProperties: [...((await deps.pullTokens?.issue(trx, t, at)) ?? [])],
        };
        return { body: transferMessages.start({ ...pids(t), dataAddress }), extra: {} };
      }
      case 'complete':
        return { body: transferMessages.completion(pids(t)), extra: {} };
      case 'suspend':
        return {
          body: transferMessages.suspension({
            ...pids(t),
            ...(action.code ? { code: action.code } : {}),
            ...(action.reason ? { reason: [action.reason] } : {}),
          }),
          extra: { reasonCode: action.code ?? null, reason: action.reason ?? null },
        };
      case 'terminate':
        return {
          body: transferMessages.termination({ ...pids(t), code: action.code, reason: [action.reason] }),
          extra: { reasonCode: action.code, reason: action.localReason ?? action.reason },
        };
    }
  }

  /**
   * We take `action`: our own transition, persisted with its outbox message in the caller's transaction.
   * `order` keeps several messages written in one transaction in their order (the outbox sends by due time).
   */
  async function act(
    trx: Kysely<Tables>,
    t: Transfer,
    action: TransferAction,
    at: Date,
    e: Effects,
    actor = 'system',
    order = 0,
  ): Promise<Transfer> {
    const message = messageOf[action.kind];
    const to = nextTransferState(t.state, message, t.role);
    const { body, extra } = await outgoing(trx, t, action, at);
    const next = changed(t, to, at, extra);
    const peerPid = t.role === 'provider' ? t.consumerPid : t.providerPid;
    // A consumer that never heard the provider's pid cannot address it: its termination stays local.
    if (peerPid !== null) {
      await enqueue(
        trx,
        {
          participantId: t.participantId,
          processType,
          processId: t.id,
          url: joinUrl(t.counterpartyAddress, messagePath(message, peerPid)),
          audience: t.counterpartyId,
          message: body,
        },
        new Date(at.getTime() + order),
        // A termination makes what still waits moot — but not the steps queued before it in this same
        // transaction (a scripted start-then-terminate must reach the peer as both).
        { supersede: action.kind === 'terminate' && order === 0 },
      );
      e.sent = true;
    }
    const saved = await updateTransfer(trx, t, next);
    await retire(trx, saved, at);
    await audit(
      trx,
      saved,
      actor,
      automatedActors.has(actor) ? 'system' : 'management-api',
      t.state,
      message,
      at,
    );
    if (saved.deadlineAt) e.deadlines.push(saved.deadlineAt);
    return saved;
  }

  const defaultReaction = (t: Transfer): readonly TransferAction[] =>
    t.role === 'provider' && t.state === 'REQUESTED' ? [{ kind: 'start' }] : [];

  /** Our automatic steps after the counterparty moved the transfer; a scripted step that no longer fits ends the script. */
  async function react(trx: Kysely<Tables>, t: Transfer, at: Date, e: Effects): Promise<Transfer> {
    const actions = (await deps.react?.(t)) ?? defaultReaction(t);
    let current = t;
    for (const [i, action] of actions.entries()) {
      if (isTerminalTransfer(current.state)) break;
      current = await act(trx, current, action, at, e, 'system', i);
    }
    return current;
  }

  /** A TransferRequestMessage: the provider opens the transfer under a finalized agreement with the sender. */
  async function opened(trx: Kysely<Tables>, m: Incoming, at: Date, e: Effects): Promise<Answer> {
    const b = m.body as {
      consumerPid: string;
      agreementId: string;
      format: string;
      callbackAddress: string;
      dataAddress?: DataAddress;
    };
    // A repeated consumerPid, even in a different message, is the transfer it already opened.
    const existing = await findByConsumerPid(trx, m.participantId, m.sender, b.consumerPid);
    if (existing) return { status: 201, body: transferAnswer(existing) };
    const agreement = await usableAgreement(trx, m.participantId, b.agreementId, 'provider', m.sender);
    if (!agreement) throw new AgreementNotUsable(b.agreementId);
    if (!(transferFormats as readonly string[]).includes(b.format))
      throw new UnsupportedFormat(b.format, transferFormats);
    if (b.format === 'HttpData-PUSH' && !b.dataAddress) throw new PushTargetMissing();
    if (!isCallbackAddress(b.callbackAddress))
      throw new InvalidInput('transfer.invalid-callback', 'callbackAddress must be an absolute http(s) URL');
    const id = `urn:uuid:${randomUUID()}`;
    const state = nextTransferState('NEW', 'TransferRequestMessage', 'consumer');
    let t: Transfer = {
      participantId: m.participantId,
      id,
      role: 'provider',
      providerPid: id,
      consumerPid: b.consumerPid,
      state,
      counterpartyId: m.sender,
      counterpartyAddress: b.callbackAddress,
      agreementId: b.agreementId,
      format: b.format,
      dataAddress: b.dataAddress ? stripTypes(b.dataAddress) : null,
      accessTokenHash: null,
      deadlineAt: null,
      reasonCode: null,
      reason: null,
      idempotencyKey: null,
      version: 1,
      createdAt: at.toISOString(),
      updatedAt: at.toISOString(),
      finite: await assetIsFinite(trx, m.participantId, agreement.assetId),
    };
    t = { ...t, deadlineAt: deadlineFor(t, at, deadlines) };
    await insertTransfer(trx, t);
    await audit(trx, t, m.sender, 'dsp', 'NEW', 'TransferRequestMessage', at);
    if (t.deadlineAt) e.deadlines.push(t.deadlineAt);
    const refused = await deps.admit?.(trx, t, m.body);
    if (refused) await act(trx, t, { kind: 'terminate', ...refused }, at, e);
    else await react(trx, t, at, e);
    // The acknowledgement is of the request itself; our reaction reaches the consumer as its own message.
    return { status: 201, body: transferAnswer(t) };
  }

  /** Finds our transfer for a message from `sender`; another counterparty's is as unknown as a missing one. */
  async function ours(db: Kysely<Tables>, participantId: string, sender: string, pid: string) {
    const t = await findTransfer(db, participantId, pid);
    if (!t || t.counterpartyId !== sender) throw new TransferNotFound(pid);
    return t;
  }

  /** Effects of a received message on our record, beyond the state. */
  function absorb(
    t: Transfer,
    input: TransferMessage,
    b: Record<string, unknown>,
  ): { -readonly [K in keyof Transfer]?: Transfer[K] } {
    switch (input) {
      case 'TransferStartMessage':
        return t.role === 'consumer' && b.dataAddress
          ? { dataAddress: stripTypes(b.dataAddress as DataAddress) }
          : {};
      case 'TransferSuspensionMessage':
      case 'TransferTerminationMessage':
        return {
          reasonCode:
            typeof b.code === 'string'
              ? b.code
              : `${input === 'TransferSuspensionMessage' ? 'suspended' : 'terminated'}-by-counterparty`,
          reason: reasonText(b.reason),
        };
      default:
        return {};
    }
  }

  async function continued(trx: Kysely<Tables>, m: Incoming, input: TransferMessage, at: Date, e: Effects) {
    const t = await ours(trx, m.participantId, m.sender, m.pid ?? '');
    const b = m.body;
    const [own, theirs, ownField, theirsField] =
      t.role === 'provider'
        ? [b.providerPid, b.consumerPid, 'providerPid', 'consumerPid']
        : [b.consumerPid, b.providerPid, 'consumerPid', 'providerPid'];
    if (own !== t.id) throw new TransferPidMismatch(ownField, own);
    const known = t.role === 'provider' ? t.consumerPid : t.providerPid;
    if (known !== null && theirs !== known) throw new TransferPidMismatch(theirsField, theirs);
    const to = nextTransferState(t.state, input, peerOf(t.role));
    const learned = known === null && typeof theirs === 'string' ? { providerPid: theirs } : {};
    const absorbed = absorb(t, input, b);
    // A pull's tokens go to the sealed EDR store, not into the transfer record.
    if (deps.edrs && absorbed.dataAddress)
      absorbed.dataAddress = await deps.edrs.keep(trx, t.participantId, t.id, absorbed.dataAddress, at);
    const next = await updateTransfer(trx, t, changed(t, to, at, { ...learned, ...absorbed }));
    await retire(trx, next, at);
    await audit(trx, next, m.sender, 'dsp', t.state, input, at);
    if (next.deadlineAt) e.deadlines.push(next.deadlineAt);
    await react(trx, next, at, e);
    return { status: 200, body: null };
  }

  /** Consumer: opens a transfer under a finalized agreement by sending the provider a TransferRequestMessage. */
  async function requested(input: NewTransfer): Promise<Transfer> {
    if (!(transferFormats as readonly string[]).includes(input.format))
      throw new UnsupportedFormat(input.format, transferFormats);
    if (input.format === 'HttpData-PUSH' && !input.dataAddress) throw new PushTargetMissing();
    if (input.idempotencyKey) {
      const earlier = await findByIdempotencyKey(deps.db, input.participantId, input.idempotencyKey);
      if (earlier) return earlier;
    }
    const agreement = await usableAgreement(deps.db, input.participantId, input.agreementId, 'consumer');
    if (!agreement) throw new AgreementNotUsable(input.agreementId);
    const providerBase =
      input.providerAddress ??
      (await providerAddressOf(deps.db, input.participantId, agreement.negotiationId));
    if (!providerBase || !isCallbackAddress(providerBase))
      throw new ProviderAddressUnknown(input.agreementId);
    const at = deps.now();
    const e: Effects = { sent: false, deadlines: [] };
    const id = `urn:uuid:${randomUUID()}`;
    const t: Transfer = {
      participantId: input.participantId,
      id,
      role: 'consumer',
      providerPid: null,
      consumerPid: id,
      state: 'REQUESTED',
      counterpartyId: agreement.counterpartyId,
      counterpartyAddress: providerBase,
      agreementId: input.agreementId,
      format: input.format,
      dataAddress: input.dataAddress ?? null,
      accessTokenHash: null,
      deadlineAt: deadlineFor(
        { state: 'REQUESTED', role: 'consumer', format: input.format, finite: true },
        at,
        deadlines,
      ),
      reasonCode: null,
      reason: null,
      idempotencyKey: input.idempotencyKey ?? null,
      version: 1,
      createdAt: at.toISOString(),
      updatedAt: at.toISOString(),
      // the consumer's STARTED has no deadline either way; finiteness is the provider's to know
      finite: true,
    };
    const body = transferMessages.request({
      consumerPid: id,
      agreementId: input.agreementId,
      format: input.format,
      callbackAddress: deps.callbackAddress(input.participantId),
      ...(input.dataAddress ? { dataAddress: input.dataAddress } : {}),
    });
    // DSP 2025-1 lets messages carry more members; the ODRL purpose term, compact on the DSP context.
    const message = input.purpose ? { ...body, 'odrl:purpose': input.purpose } : body;
    await deps.db.transaction().execute(async (trx) => {
      await insertTransfer(trx, t);
      await enqueue(
        trx,
        {
          participantId: t.participantId,
          processType,
          processId: id,
          url: joinUrl(providerBase, messagePath('TransferRequestMessage', '')),
          audience: t.counterpartyId,
          message,
        },
        at,
      );
      await audit(trx, t, input.actor, 'management-api', 'NEW', 'TransferRequestMessage', at);
    });
    e.sent = true;
    if (t.deadlineAt) e.deadlines.push(t.deadlineAt);
    settle(e);
    return t;
  }

  /** Runs `work` on one of our transfers in a transaction, then wakes the runtime for what it queued. */
  async function withTransfer(
    participantId: string,
    id: string,
    work: (trx: Kysely<Tables>, t: Transfer, at: Date, e: Effects) => Promise<Transfer>,
  ): Promise<Transfer> {
    const at = deps.now();
    const e: Effects = { sent: false, deadlines: [] };
    const done = await deps.db.transaction().execute(async (trx) => {
      const t = await findTransfer(trx, participantId, id);
      if (!t) throw new TransferNotFound(id);
      return work(trx, t, at, e);
    });
    settle(e);
    return done;
  }

  return {
    /** Applies a received message: persisted, with our reaction queued, before the answer is returned. */
    async receive(m: Incoming): Promise<Answer> {
      const input = transferInput(m.body);
      const expected = m.pid === undefined ? 'TransferRequestMessage' : messageOfEndpoint(m.endpoint);
      if (!input || input !== expected) {
        throw new InvalidInput(
          'transfer.wrong-endpoint',
          `${String(m.body['@type'])} does not belong at .../${m.endpoint}`,
        );
      }
      const at = deps.now();
      let e: Effects = { sent: false, deadlines: [] };
      const key = messageKey(m.sender, `transfers/${m.pid ?? ''}/${m.endpoint}`, m.body);
      let answer: Answer;
      try {
        ({ answer } = await receiveOnce(deps.db, m.participantId, key, at, (trx) => {
          e = { sent: false, deadlines: [] }; // an attempt that rolled back leaves nothing to act on
          return m.pid === undefined ? opened(trx, m, at, e) : continued(trx, m, input, at, e);
        }));
      } catch (err) {
        // Two different requests with one consumerPid raced: the loser's insert broke the unique index and
        // rolled back; it gets the transfer the winner opened, as a repeated consumerPid always does.
        const consumerPid = m.body.consumerPid;
        const winner =
          m.pid === undefined && typeof consumerPid === 'string'
            ? await findByConsumerPid(deps.db, m.participantId, m.sender, consumerPid)
            : undefined;
        if (!winner) throw err;
        return { status: 201, body: transferAnswer(winner) };
      }
      settle(e);
      return answer;
    },

    /** The transfer as the counterparty may see it (DSP GET). */
    forCounterparty: (participantId: string, sender: string, pid: string) =>
      ours(deps.db, participantId, sender, pid),

    /** Consumer: asks the provider of a finalized agreement for a transfer. */
    request: requested,

    /** Our own step on a transfer (management API): start, complete, suspend or terminate, telling the peer. */
    act: (participantId: string, id: string, actor: string, action: TransferAction) =>
      withTransfer(participantId, id, (trx, t, at, e) => act(trx, t, action, at, e, actor)),

    /** The provider answered our request: its TransferProcess names the providerPid we address it by. */
    async delivered(item: OutboxItem, answer: unknown): Promise<void> {
      // The consumer knows a push started before its data arrives: the push begins once the start was delivered.
      if ((item.message as { '@type'?: unknown } | undefined)?.['@type'] === 'TransferStartMessage') {
        const t = await findTransfer(deps.db, item.participantId, item.processId);
        if (t?.role === 'provider' && t.format === 'HttpData-PUSH' && t.state === 'STARTED')
          deps.pushStarted?.(t);
        return;
      }
      const providerPid = (answer as { providerPid?: unknown } | undefined)?.providerPid;
      if (typeof providerPid !== 'string' || providerPid === '') return;
      const t = await findTransfer(deps.db, item.participantId, item.processId);
      if (t?.role !== 'consumer' || t.providerPid !== null) return;
      const at = deps.now();
      const e: Effects = { sent: false, deadlines: [] };
      // Now the provider can be addressed: a script may act on the request right away (terminate it).
      await deps.db
        .transaction()
        .execute(async (trx) => {
          const known = await updateTransfer(trx, t, { ...t, providerPid, updatedAt: at.toISOString() });
          if (known.state === 'REQUESTED') await react(trx, known, at, e);
        })
        .catch((err) => {
          // The provider's first message told us already (it carries the pid too): nothing to do.
          if (!(err instanceof TransferChanged)) throw err;
        });
      settle(e);
    },

    /** A message of ours will never arrive: the transfer ends here, and the peer is told if it can be. */
    async gaveUp(item: OutboxItem, reason: string): Promise<void> {
      const message = (item.message as { '@type'?: unknown } | undefined)?.['@type'];
      await withTransfer(item.participantId, item.processId, async (trx, t, at, e) => {
        if (isTerminalTransfer(t.state)) return t;
        const action = { kind: 'terminate', code: 'delivery-failed', reason } as const;
        // After a failed termination, do not send another one: end it locally.
        if (message === 'TransferTerminationMessage') {
          const ended = await localTermination(trx, t, action, at);
          await retire(trx, ended, at);
          return ended;
        }
        return act(trx, t, action, at, e);
      }).catch((err) => {
        if (!(err instanceof TransferNotFound)) throw err;
      });
    },

    nextDeadline: () => nextTransferDeadline(deps.db),

    /** Terminates, and tells the peer about, every transfer whose counterparty let its deadline pass. */
    async expireDue(now: Date, batch = 100): Promise<boolean> {
      const due = await transfersPastDeadline(deps.db, now, batch);
      for (const t of due) {
        await withTransfer(t.participantId, t.id, async (trx, current, at, e) => {
          if (current.version !== t.version || isTerminalTransfer(current.state)) return current;
          const reason =
            current.state === 'STARTED'
              ? `the consumer did not complete the transfer within ${deadlines.startedMs} ms of its start`
              : `the counterparty did not answer within ${deps.deadlineMs} ms (state ${current.state})`;
          return act(trx, current, { kind: 'terminate', code: 'deadline-passed', reason }, at, e);
        });
      }
      return due.length >= batch;
    },
  };
}

export type TransferService = ReturnType<typeof transferService>;

async function localTermination(
  trx: Kysely<Tables>,
  t: Transfer,
  action: { code: string; reason: string },
  at: Date,
): Promise<Transfer> {
  const next: Transfer = {
    ...t,
    state: 'TERMINATED',
    deadlineAt: null,
    accessTokenHash: null,
    reasonCode: action.code,
    reason: action.reason,
    updatedAt: at.toISOString(),
  };
  const saved = await updateTransfer(trx, t, next);
  await appendAudit(
    trx,
    {
      participantId: t.participantId,
      actor: 'system',
      action: 'transfer.terminated',
      resourceType: 'transfer',
      resourceId: t.id,
      via: 'system',
      outcome: 'success',
      reason: action.code,
      details: {
        from: t.state,
        to: 'TERMINATED',
        role: t.role,
        counterparty: t.counterpartyId,
        agreementId: t.agreementId,
        reasonText: action.reason,
      },
    },
    at,
  );
  return saved;
}

/** Compact `@type` markers are protocol framing; the record keeps the address itself. */
function stripTypes(a: DataAddress): DataAddress {
  const { '@type': _t, ...rest } = a as DataAddress & { '@type'?: unknown };
  return {
    ...rest,
    ...(a.endpointProperties
      ? {
          endpointProperties: a.endpointProperties.map((p) => {
            const { '@type': _p, ...prop } = p as typeof p & { '@type'?: unknown };
            return prop;
          }),
        }
      : {}),
  };
}
