import { randomBytes } from "node:crypto";

/**
 * Expiring offline access tokens, as Shopify issues them (CHANNELS.md "Expiring offline
 * tokens"; shopify.dev, offline access tokens; changelogs 2025-12-10 and 2026-08-28):
 *
 * - An access token lasts 60 minutes (`expires_in: 3600`) on the fake's clock; an expired or
 *   unknown one is answered 401 like any bad token.
 * - `POST /admin/oauth/access_token` with `{client_id, client_secret, grant_type:
 *   "refresh_token", refresh_token}` (JSON or form-encoded) answers `{access_token,
 *   expires_in, refresh_token, refresh_token_expires_in, scope}`: a new access token and
 *   a new (rotated) refresh token.
 * - The refresh token sent stays valid until the new access token is first used (so a lost
 *   answer can be recovered by refreshing again with it); using it again before that
 *   supersedes the unused pair it produced first.
 * - Wrong client credentials: 401 `invalid_client` (*unverified*: Shopify's exact status);
 *   an unknown, used-up or expired refresh token: 400 `invalid_grant`; a malformed request:
 *   400 `invalid_request`. Refresh tokens last 90 days (*unverified*).
 *
 * Test switches per shop: refuse refreshes (invalid_grant), omit `expires_in`
 * (shopify-app-js#3400), answer the next refreshes 503, or answer slowly.
 */

export const ACCESS_TOKEN_TTL_SECONDS = 3_600;
export const REFRESH_TOKEN_TTL_SECONDS = 90 * 24 * 3_600;

export interface AppCredentials {
  clientId: string;
  clientSecret: string;
}

/** The credentials the fakes expect by default: the ones tests give the app (tests/support/shopify.ts). */
export const DEFAULT_FAKE_APP: AppCredentials = {
  clientId: "ballast-test-api-key",
  clientSecret: "ballast-test-api-secret",
};

export interface TokenAnswer {
  access_token: string;
  expires_in?: number;
  refresh_token: string;
  refresh_token_expires_in: number;
  scope: string;
}

export interface TokenBehaviour {
  /** Refuse every refresh of the shop with this OAuth error (400), e.g. "invalid_grant"; null grants. */
  refuseRefresh: "invalid_grant" | "invalid_request" | null;
  /** Leave expires_in out of refresh answers (the token still expires after 60 minutes). */
  omitExpiresIn: boolean;
  /** The next N refreshes of the shop are answered 503 before doing anything. */
  serverErrorNext: number;
  /** Each refresh of the shop is answered this much later (real milliseconds). */
  delayMs: number;
}

export interface TokenCounters {
  refreshesGranted: number;
  refreshesRefused: number;
  /** Refresh requests answered 5xx by a failure switch. */
  refreshesFailed: number;
}

interface AccessRecord {
  shop: string;
  expiresAt: number;
  used: boolean;
  revoked: boolean;
  /** The refresh token that obtained this one: retired when this one is first used. */
  retiresOnUse: string | null;
}

interface RefreshRecord {
  shop: string;
  expiresAt: number;
  retired: boolean;
  /** The pair this refresh token produced, while its access token is unused. */
  successor: { accessToken: string; refreshToken: string } | null;
}

const DEFAULT_BEHAVIOUR: TokenBehaviour = { refuseRefresh: null, omitExpiresIn: false, serverErrorNext: 0, delayMs: 0 };

export type TokenReply = { status: number; body: unknown; headers?: Record<string, string> };

export class FakeTokenIssuer {
  readonly counters: TokenCounters = { refreshesGranted: 0, refreshesRefused: 0, refreshesFailed: 0 };
  private readonly access = new Map<string, AccessRecord>();
  private readonly refreshTokens = new Map<string, RefreshRecord>();
  private readonly behaviours = new Map<string, TokenBehaviour>();

  constructor(
    private readonly now: () => number,
    private readonly apps: () => AppCredentials[],
    private readonly scopeOf: (shop: string) => string,
    private readonly knownShop: (shop: string) => boolean,
  ) {}

  behaviour(shop: string): TokenBehaviour {
    return this.behaviours.get(shop) ?? DEFAULT_BEHAVIOUR;
  }

  setBehaviour(shop: string, change: Partial<TokenBehaviour>): void {
    this.behaviours.set(shop, { ...this.behaviour(shop), ...change });
  }

  /** A fresh pair, as token exchange gives an app on install or when the merchant opens it. */
  issue(shop: string): TokenAnswer {
    return this.mint(shop, null, false);
  }

  /** The shop an access token authenticates, or undefined (unknown, expired, superseded). Marks it used. */
  shopFor(token: string): string | undefined {
    const record = this.access.get(token);
    if (!record || record.revoked || this.now() >= record.expiresAt) return undefined;
    if (!record.used) {
      record.used = true;
      // Shopify keeps the previous refresh token until the new access token is used: now it is.
      const previous = record.retiresOnUse ? this.refreshTokens.get(record.retiresOnUse) : undefined;
      if (previous) {
        previous.retired = true;
        previous.successor = null;
      }
    }
    return record.shop;
  }

  /** Every access token of the shop issued so far expires now (refresh tokens stay valid). */
  expireAccessTokens(shop: string): void {
    for (const record of this.access.values())
      if (record.shop === shop) record.expiresAt = Math.min(record.expiresAt, this.now());
  }

  async refresh(contentType: string | undefined, rawBody: string): Promise<TokenReply> {
    const params = parseParams(contentType, rawBody);
    if (!params) return oauthError(400, "invalid_request", "The request body could not be read.");
    const app = this.apps().find((candidate) => candidate.clientId === params["client_id"]);
    if (!app || app.clientSecret !== params["client_secret"]) {
      return oauthError(401, "invalid_client", "Client authentication failed: unknown client or wrong client secret.");
    }
    if (params["grant_type"] !== "refresh_token")
      return oauthError(400, "unsupported_grant_type", "Only refresh_token is supported here.");
    const sent = params["refresh_token"];
    if (!sent) return oauthError(400, "invalid_request", "Missing refresh_token.");
    const record = this.refreshTokens.get(sent);
    const shop = record?.shop;
    const behaviour = shop ? this.behaviour(shop) : DEFAULT_BEHAVIOUR;
    if (behaviour.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, behaviour.delayMs));
    if (shop && behaviour.serverErrorNext > 0) {
      this.setBehaviour(shop, { serverErrorNext: behaviour.serverErrorNext - 1 });
      this.counters.refreshesFailed += 1;
      return {
        status: 503,
        body: "<html><body><h1>503 Service Unavailable</h1></body></html>",
        headers: { "Content-Type": "text/html" },
      };
    }
    if (!record || !shop || record.retired || this.now() >= record.expiresAt || !this.knownShop(shop)) {
      this.counters.refreshesRefused += 1;
      return oauthError(400, "invalid_grant", "The refresh token is invalid, expired or revoked.");
    }
    if (behaviour.refuseRefresh) {
      this.counters.refreshesRefused += 1;
      return oauthError(
        400,
        behaviour.refuseRefresh,
        behaviour.refuseRefresh === "invalid_grant"
          ? "The refresh token is invalid, expired or revoked."
          : "The request is invalid.",
      );
    }
    // Sent again before its first answer was used (a lost answer): that unused pair is superseded.
    if (record.successor) {
      const superseded = this.access.get(record.successor.accessToken);
      if (superseded) superseded.revoked = true;
      const supersededRefresh = this.refreshTokens.get(record.successor.refreshToken);
      if (supersededRefresh) supersededRefresh.retired = true;
    }
    const answer = this.mint(shop, sent, behaviour.omitExpiresIn);
    record.successor = { accessToken: answer.access_token, refreshToken: answer.refresh_token };
    this.counters.refreshesGranted += 1;
    return { status: 200, body: answer };
  }

  private mint(shop: string, from: string | null, omitExpiresIn: boolean): TokenAnswer {
    const now = this.now();
    const accessToken = `shpat_${randomBytes(16).toString("hex")}`;
    const refreshToken = `shprt_${randomBytes(16).toString("hex")}`;
    this.access.set(accessToken, {
      shop,
      expiresAt: now + ACCESS_TOKEN_TTL_SECONDS * 1000,
      used: false,
      revoked: false,
      retiresOnUse: from,
    });
    this.refreshTokens.set(refreshToken, {
      shop,
      expiresAt: now + REFRESH_TOKEN_TTL_SECONDS * 1000,
      retired: false,
      successor: null,
    });
    return {
      access_token: accessToken,
      ...(omitExpiresIn ? {} : { expires_in: ACCESS_TOKEN_TTL_SECONDS }),
      refresh_token: refreshToken,
      refresh_token_expires_in: REFRESH_TOKEN_TTL_SECONDS,
      scope: this.scopeOf(shop),
    };
  }
}

function parseParams(contentType: string | undefined, rawBody: string): Record<string, string> | null {
  const type = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  if (type === "application/x-www-form-urlencoded") return Object.fromEntries(new URLSearchParams(rawBody));
  try {
    const parsed = JSON.parse(rawBody) as unknown;
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) return null;
    return Object.fromEntries(
      Object.entries(parsed as Record<string, unknown>).flatMap(([key, value]) =>
        typeof value === "string" ? [[key, value]] : [],
      ),
    );
  } catch {
    return null;
  }
}

function oauthError(status: number, error: string, description: string): TokenReply {
  return { status, body: { error, error_description: description } };
}
