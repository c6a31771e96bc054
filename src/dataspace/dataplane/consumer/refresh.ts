/**
 * The refresh exchange of edr.ts (RFC 6749 §5.1 / §5.2) at the consumer: one POST, and a pure reading of the
 * answer. The HTTP client comes in (the node's outbound client, so the egress policy applies).
 */

export interface RefreshedTokens {
  readonly accessToken: string;
  readonly refreshToken?: string;
  readonly expiresIn?: number;
}

export type RefreshOutcome =
  | { readonly kind: 'refreshed'; readonly tokens: RefreshedTokens }
  /** The provider will never refresh this EDR again (`invalid_grant`, revoked, transfer ended there). */
  | { readonly kind: 'refused'; readonly code: string; readonly reason: string }
  /** Worth trying again later (network, 5xx, an answer we cannot read). */
  | { readonly kind: 'failed'; readonly why: string };

/** The part of the outbound client a refresh uses. */
export type RefreshPost = (
  url: string,
  init: { method: 'POST'; headers: Record<string, string>; body: string },
) => Promise<{ readonly status: number; text(): string }>;

export async function requestRefresh(
  post: RefreshPost,
  endpoint: string,
  refreshToken: string,
): Promise<RefreshOutcome> {
  try {
    const res = await post(endpoint, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${refreshToken}`,
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }).toString(),
    });
    return refreshOutcome(res.status, res.text());
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    return { kind: 'failed', why: typeof code === 'string' ? code : 'request failed' };
  }
}

/** Reads the token endpoint's answer: 200 with tokens, 400/401/403 a refusal, anything else a failure. */
export function refreshOutcome(status: number, text: string): RefreshOutcome {
  let body: Record<string, unknown> = {};
  try {
    const parsed = JSON.parse(text) as unknown;
    if (parsed && typeof parsed === 'object') body = parsed as Record<string, unknown>;
  } catch {
    // not JSON: judged by the status alone
  }
  if (status === 200) {
    const accessToken = body.access_token;
    if (typeof accessToken !== 'string' || accessToken === '')
      return { kind: 'failed', why: 'the refresh answer carries no access_token' };
    const expiresIn = Number(body.expires_in);
    return {
      kind: 'refreshed',
      tokens: {
        accessToken,
        ...(typeof body.refresh_token === 'string' && body.refresh_token
          ? { refreshToken: body.refresh_token }
          : {}),
        ...(body.expires_in !== undefined && Number.isFinite(expiresIn) && expiresIn >= 0
          ? { expiresIn }
          : {}),
      },
    };
  }
  if (status === 400 || status === 401 || status === 403) {
    const code = typeof body.error === 'string' ? body.error : `http-${status}`;
    const description = typeof body.error_description === 'string' ? body.error_description : '';
    return { kind: 'refused', code, reason: description.slice(0, 500) };
  }
  return { kind: 'failed', why: `HTTP ${status}` };
}
