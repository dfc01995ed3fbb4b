import { createHash, randomUUID } from "node:crypto";
import { databaseProvider, databaseUrl, type Database, type DatabaseProvider } from "~/db.server";
import type { Env } from "~/env.server";
import { logger as defaultLogger, type Logger } from "~/logger.server";
import { raiseAlert, resolveAlert } from "~/records/alerts.server";
import { acquireLease, releaseLease } from "~/records/lease.server";
import { AdminApiError } from "./admin-errors";
import type { AccessTokenSource } from "./admin-client.server";

/**
 * The one way background work gets a valid offline access token for a shop (expiring
 * offline tokens: 60 minutes, with a rotating refresh token; CHANNELS.md "Expiring offline
 * tokens", decision 003).
 *
 * - Refreshed about 5 minutes before `Session.expires`, and once when Shopify answers 401.
 * - One refresh per shop at a time: a promise shared in this process, and a lease across
 *   processes (ChannelLease, lane "shopify_token"). The loser waits and re-reads the session.
 * - The rotated refresh token is stored with a compare-and-set on the one sent. A refresh
 *   answer that is lost (or not stored) is recoverable: Shopify keeps the previous refresh
 *   token valid until the new access token is used, and a new token is only used once stored.
 * - An answer without `expires_in` (shopify-app-js#3400) is taken as a 60-minute token:
 *   refreshed again on a 401 or after 60 minutes, never "valid forever".
 * - A refresh refused for good (400, 401, 403, 404 from the token endpoint) marks the shop
 *   (Shop.shopifyAuthFailedAt / shopifyAuthFailure), raises one `shopify_auth_failed` alert
 *   and stops the shop's Shopify calls, until a new session is stored (the merchant opens
 *   the app: token exchange), which clears both. A transient failure (5xx, 429, network)
 *   marks nothing: the call fails retryably and the next one tries again.
 */

/** Refresh this long before the stored expiry (the Shopify libraries use the same margin). */
export const REFRESH_MARGIN_MS = 5 * 60_000;
/** Lifetime assumed when Shopify's answer has no expires_in (shopify-app-js#3400). */
export const UNKNOWN_EXPIRY_MS = 60 * 60_000;
export const TOKEN_LEASE_LANE = "shopify_token";
const LEASE_TTL_MS = 30_000;
/** A process waiting for another's refresh re-reads the session this often, this long at most. */
const WAIT_STEP_MS = 250;
const WAIT_LIMIT_MS = 15_000;
/** After a 401, at most one forced refresh per shop in this window (a revoked token must not refresh on every call). */
const FORCED_REFRESH_GAP_MS = 5 * 60_000;
/** How long a token read from the database is used without reading it again (another process may have marked the shop). */
const CACHE_MS = 60_000;
const REQUEST_TIMEOUT_MS = 15_000;

export interface OfflineTokenOptions {
  database: Database;
  env: Pick<Env, "SHOPIFY_ADMIN_API_BASE_URL" | "SHOPIFY_API_KEY" | "SHOPIFY_API_SECRET">;
  /** The time token expiry is judged by (the fake's clock in tests and the rehearsal). */
  now?: () => number;
  /** Waits for another process's refresh. */
  sleep?: (ms: number) => Promise<void>;
  fetch?: typeof fetch;
  /** Default: from the database client's URL. */
  provider?: DatabaseProvider;
  logger?: Logger;
}

export type OfflineToken =
  | { ok: true; accessToken: string }
  | { ok: false; reason: "no_session" | "auth_failed" | "unavailable"; detail: string };

/**
 * Thrown by the token source when the shop's refresh was refused for good. The Admin API
 * client does not retry it (AUTH_FAILED), but it is `retryable` for whoever called: a push
 * keeps its items waiting (not parked) for the merchant to reconnect.
 */
export class ShopifyAuthFailedError extends AdminApiError {
  constructor(detail: string) {
    super(`Ballast can no longer reach the store's Shopify admin: ${detail}`, "AUTH_FAILED", true);
  }
}

interface StoredSession {
  id: string;
  accessToken: string;
  expires: Date | null;
  refreshToken: string | null;
  refreshTokenExpires: Date | null;
}

const SESSION_FIELDS = {
  id: true,
  accessToken: true,
  expires: true,
  refreshToken: true,
  refreshTokenExpires: true,
} as const;

/** Identifies a stored session without keeping its tokens: a new session (token exchange) has another. */
export function sessionFingerprint(session: Pick<StoredSession, "accessToken" | "refreshToken">): string {
  return createHash("sha256")
    .update(`${session.accessToken}\n${session.refreshToken ?? ""}`)
    .digest("hex")
    .slice(0, 16);
}

const FINGERPRINT_TAG = /\s\(session ([0-9a-f]{16})\)$/;

/** Shop.shopifyAuthFailure: what Shopify said, readable, with the refused session's fingerprint at the end. */
export function formatAuthFailure(reason: string, fingerprint: string): string {
  return `${reason.slice(0, 400)} (session ${fingerprint})`;
}

export function readAuthFailure(
  value: string | null | undefined,
): { reason: string; fingerprint: string | null } | null {
  if (!value) return null;
  const match = FINGERPRINT_TAG.exec(value);
  return { reason: match ? value.slice(0, match.index) : value, fingerprint: match?.[1] ?? null };
}

/** Clears a shop's auth failure and resolves its alert (a new session was stored). */
export async function clearShopifyAuthFailure(database: Database, shop: string, at: Date): Promise<boolean> {
  const cleared = await database.shop.updateMany({
    where: { shop, shopifyAuthFailedAt: { not: null } },
    data: { shopifyAuthFailedAt: null, shopifyAuthFailure: null },
  });
  const resolved = await resolveAlert(database, { shop, kind: "shopify_auth_failed", at });
  return cleared.count > 0 || resolved;
}

type RefreshOutcome = OfflineToken & { transient?: boolean };

function providerOf(database: Database): DatabaseProvider {
  try {
    return databaseProvider(databaseUrl(database));
  } catch {
    // A client not made by createDatabase: the plain UPDATE claim works on both databases.
    return "sqlite";
  }
}

export class OfflineTokens {
  private readonly database: Database;
  private readonly env: OfflineTokenOptions["env"];
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly fetch: typeof fetch;
  private readonly provider: DatabaseProvider;
  private readonly log: Logger;
  private readonly owner = `tokens-${randomUUID()}`;
  private readonly inFlight = new Map<string, Promise<RefreshOutcome>>();
  private readonly lastForced = new Map<string, number>();
  private readonly cache = new Map<string, { accessToken: string; refreshAtMs: number; readAtMs: number }>();

  constructor(options: OfflineTokenOptions) {
    this.database = options.database;
    this.env = options.env;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.fetch = options.fetch ?? globalThis.fetch;
    this.provider = options.provider ?? providerOf(options.database);
    this.log = (options.logger ?? defaultLogger).child({ component: "shopify-offline-token" });
  }

  /** The token endpoint: the same base-URL rule as the Admin API client (https://{shop} in production). */
  tokenEndpoint(shop: string): string {
    const base = this.env.SHOPIFY_ADMIN_API_BASE_URL
      ? this.env.SHOPIFY_ADMIN_API_BASE_URL.replace(/\/+$/, "")
      : `https://${shop}`;
    return `${base}/admin/oauth/access_token`;
  }

  /** A valid token for the shop, refreshed first when it is about to expire; or why there is none. */
  async tokenFor(shop: string): Promise<OfflineToken> {
    const nowMs = this.now();
    const cached = this.cache.get(shop);
    if (cached && nowMs < cached.refreshAtMs && nowMs - cached.readAtMs < CACHE_MS && nowMs >= cached.readAtMs) {
      return { ok: true, accessToken: cached.accessToken };
    }
    const session = await this.readSession(shop);
    if (!session)
      return this.forget(shop, {
        ok: false,
        reason: "no_session",
        detail: "no offline session: the shop has not installed Ballast",
      });
    const blocked = await this.authFailure(shop, session);
    if (blocked) return this.forget(shop, blocked);
    if (!this.needsRefresh(session, nowMs)) return this.remember(shop, session);
    return this.refresh(shop, session, "expiring");
  }

  /** Shopify refused `rejected` (401): a replacement when one can be had. */
  async afterUnauthorized(shop: string, rejected: string): Promise<OfflineToken> {
    this.cache.delete(shop);
    const session = await this.readSession(shop);
    if (!session)
      return { ok: false, reason: "no_session", detail: "the offline session was deleted (app uninstalled)" };
    const blocked = await this.authFailure(shop, session);
    if (blocked) return blocked;
    // Someone already replaced it (another process's refresh, or the merchant opened the app).
    if (session.accessToken !== rejected && !this.needsRefresh(session, this.now()))
      return this.remember(shop, session);
    if (!session.refreshToken)
      return {
        ok: false,
        reason: "unavailable",
        detail: "Shopify refused the access token and there is no refresh token",
      };
    const last = this.lastForced.get(shop);
    if (last !== undefined && this.now() - last < FORCED_REFRESH_GAP_MS && this.now() >= last) {
      return { ok: false, reason: "unavailable", detail: "Shopify refused a freshly refreshed access token" };
    }
    this.lastForced.set(shop, this.now());
    return this.refresh(shop, session, "rejected");
  }

  /** For AdminClient: throws AdminApiError (AUTH_FAILED, or retryable when the refresh failed for now). */
  sourceFor(shop: string): AccessTokenSource {
    return {
      current: async () => {
        const token = await this.tokenFor(shop);
        if (token.ok) return token.accessToken;
        throw this.errorFor(token);
      },
      afterUnauthorized: async (rejected) => {
        const token = await this.afterUnauthorized(shop, rejected);
        if (token.ok) return token.accessToken;
        if (token.reason === "auth_failed") throw this.errorFor(token);
        return null;
      },
    };
  }

  private errorFor(token: Exclude<OfflineToken, { ok: true }>): AdminApiError {
    if (token.reason === "auth_failed") return new ShopifyAuthFailedError(token.detail);
    if (token.reason === "no_session") return new AdminApiError(token.detail, "UNAUTHORIZED", false, { status: 401 });
    return new AdminApiError(`Could not refresh the Shopify access token: ${token.detail}`, "SERVER_ERROR", true);
  }

  private needsRefresh(session: StoredSession, nowMs: number): boolean {
    // A non-expiring token (or nothing to refresh with): used as it is; a 401 says the rest.
    if (!session.refreshToken) return false;
    // No known expiry (shopify-app-js#3400): refresh now, which stores one.
    if (!session.expires) return true;
    return session.expires.getTime() - REFRESH_MARGIN_MS <= nowMs;
  }

  private remember(
    shop: string,
    session: Pick<StoredSession, "accessToken" | "expires" | "refreshToken">,
  ): OfflineToken {
    const refreshAtMs =
      session.refreshToken && session.expires
        ? session.expires.getTime() - REFRESH_MARGIN_MS
        : Number.POSITIVE_INFINITY;
    this.cache.set(shop, { accessToken: session.accessToken, refreshAtMs, readAtMs: this.now() });
    return { ok: true, accessToken: session.accessToken };
  }

  private forget(shop: string, result: OfflineToken): OfflineToken {
    this.cache.delete(shop);
    return result;
  }

  private readSession(shop: string): Promise<StoredSession | null> {
    return this.database.session.findUnique({ where: { id: `offline_${shop}` }, select: SESSION_FIELDS });
  }

  /**
   * The shop's recorded failure, unless the stored session is not the one refused (the
   * merchant opened the app since and token exchange stored a new one): then it is cleared.
   */
  private async authFailure(shop: string, session: StoredSession): Promise<OfflineToken | null> {
    const row = await this.database.shop.findUnique({
      where: { shop },
      select: { shopifyAuthFailedAt: true, shopifyAuthFailure: true },
    });
    if (!row?.shopifyAuthFailedAt) return null;
    const failure = readAuthFailure(row.shopifyAuthFailure);
    if (failure?.fingerprint && failure.fingerprint !== sessionFingerprint(session)) {
      await clearShopifyAuthFailure(this.database, shop, new Date(this.now()));
      this.log.info({ shop }, "a new offline session was stored: Shopify access restored");
      return null;
    }
    return {
      ok: false,
      reason: "auth_failed",
      detail: failure?.reason ?? "Shopify refused to refresh the access token",
    };
  }

  private refresh(shop: string, stale: StoredSession, why: "expiring" | "rejected"): Promise<OfflineToken> {
    const running = this.inFlight.get(shop);
    if (running) return running;
    const refresh = this.refreshAcrossProcesses(shop, stale, why).finally(() => this.inFlight.delete(shop));
    this.inFlight.set(shop, refresh);
    return refresh;
  }

  private async refreshAcrossProcesses(
    shop: string,
    stale: StoredSession,
    why: "expiring" | "rejected",
  ): Promise<RefreshOutcome> {
    for (let waits = 0; ; waits += 1) {
      const lease = { shop, lane: TOKEN_LEASE_LANE, owner: this.owner };
      if (
        await acquireLease(this.database, this.provider, { ...lease, now: new Date(this.now()), ttlMs: LEASE_TTL_MS })
      ) {
        try {
          return await this.refreshHoldingLease(shop, stale, why);
        } finally {
          await releaseLease(this.database, lease).catch((error: unknown) =>
            this.log.warn(
              { shop, err: error instanceof Error ? error.message : String(error) },
              "could not release the token lease",
            ),
          );
        }
      }
      // Another process is refreshing this shop's token: wait for it, then use what it stored.
      await this.sleep(WAIT_STEP_MS);
      const current = await this.readSession(shop);
      if (!current)
        return { ok: false, reason: "no_session", detail: "the offline session was deleted (app uninstalled)" };
      if (current.accessToken !== stale.accessToken && !this.needsRefresh(current, this.now()))
        return this.remember(shop, current);
      // The other process's refresh was refused for good: so is this one.
      const blocked = await this.authFailure(shop, current);
      if (blocked) return blocked;
      // Counted in waits, not by the clock: a virtual clock does not move while this process waits.
      if (waits * WAIT_STEP_MS >= WAIT_LIMIT_MS) {
        return {
          ok: false,
          reason: "unavailable",
          detail: "another process is still refreshing the token",
          transient: true,
        };
      }
    }
  }

  private async refreshHoldingLease(
    shop: string,
    stale: StoredSession,
    why: "expiring" | "rejected",
  ): Promise<RefreshOutcome> {
    // Read again under the lease: another process may have refreshed meanwhile.
    const session = await this.readSession(shop);
    if (!session)
      return { ok: false, reason: "no_session", detail: "the offline session was deleted (app uninstalled)" };
    if (session.accessToken !== stale.accessToken && !this.needsRefresh(session, this.now()))
      return this.remember(shop, session);
    // Another process was refused for good just before: do not ask again.
    const blocked = await this.authFailure(shop, session);
    if (blocked) return blocked;
    if (!session.refreshToken) return { ok: false, reason: "unavailable", detail: "no refresh token stored" };

    const sentAt = this.now();
    let response: Response;
    let body: Record<string, unknown> = {};
    try {
      response = await this.fetch(this.tokenEndpoint(shop), {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({
          client_id: this.env.SHOPIFY_API_KEY,
          client_secret: this.env.SHOPIFY_API_SECRET,
          grant_type: "refresh_token",
          refresh_token: session.refreshToken,
        }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      const text = await response.text();
      try {
        const parsed = JSON.parse(text) as unknown;
        if (parsed && typeof parsed === "object") body = parsed as Record<string, unknown>;
      } catch {
        // An HTML error page: the status says enough.
      }
    } catch (error) {
      this.log.warn(
        { shop, err: error instanceof Error ? error.message : String(error) },
        "token refresh failed (network); will retry",
      );
      return { ok: false, reason: "unavailable", detail: "the token endpoint could not be reached", transient: true };
    }

    if (response.ok && typeof body["access_token"] === "string" && body["access_token"] !== "") {
      return this.store(shop, session, body, sentAt, why);
    }
    const oauthError =
      typeof body["error"] === "string" ? body["error"] : typeof body["errors"] === "string" ? body["errors"] : null;
    const description = typeof body["error_description"] === "string" ? body["error_description"] : null;
    const said = [`HTTP ${response.status}`, oauthError, description].filter(Boolean).join(" ");
    if ([400, 401, 403, 404].includes(response.status)) {
      // Refused: unless the stored refresh token changed meanwhile (then that one is the one to use).
      const current = await this.readSession(shop);
      if (current && current.refreshToken !== session.refreshToken) {
        return this.needsRefresh(current, this.now())
          ? { ok: false, reason: "unavailable", detail: "the session changed during the refresh", transient: true }
          : this.remember(shop, current);
      }
      await this.markFailed(
        shop,
        session,
        `Shopify refused to refresh the access token (${said})`,
        response.status,
        oauthError,
      );
      return { ok: false, reason: "auth_failed", detail: `Shopify refused to refresh the access token (${said})` };
    }
    this.log.warn({ shop, status: response.status, error: oauthError }, "token refresh failed; will retry");
    return { ok: false, reason: "unavailable", detail: `the token endpoint answered ${said}`, transient: true };
  }

  private async store(
    shop: string,
    session: StoredSession,
    body: Record<string, unknown>,
    sentAt: number,
    why: string,
  ): Promise<RefreshOutcome> {
    const accessToken = body["access_token"] as string;
    const expiresIn = typeof body["expires_in"] === "number" && body["expires_in"] > 0 ? body["expires_in"] : null;
    const rotated =
      typeof body["refresh_token"] === "string" && body["refresh_token"] !== "" ? body["refresh_token"] : null;
    const refreshExpiresIn =
      typeof body["refresh_token_expires_in"] === "number" && body["refresh_token_expires_in"] > 0
        ? body["refresh_token_expires_in"]
        : null;
    // Judged from when the request was sent: never later than Shopify's own clock.
    const expires = new Date(sentAt + (expiresIn !== null ? expiresIn * 1000 : UNKNOWN_EXPIRY_MS));
    const data = {
      accessToken,
      expires,
      refreshToken: rotated ?? session.refreshToken,
      refreshTokenExpires: rotated
        ? refreshExpiresIn !== null
          ? new Date(sentAt + refreshExpiresIn * 1000)
          : null
        : session.refreshTokenExpires,
      ...(typeof body["scope"] === "string" && body["scope"] !== "" ? { scope: body["scope"] } : {}),
    };
    let stored: number;
    try {
      // Compare-and-set on the refresh token sent: a session stored meanwhile (token exchange) wins.
      stored = (
        await this.database.session.updateMany({ where: { id: session.id, refreshToken: session.refreshToken }, data })
      ).count;
    } catch (error) {
      // Not stored, so never used: the previous refresh token stays valid until the new access token is used.
      this.log.warn(
        { shop, err: error instanceof Error ? error.message : String(error) },
        "refreshed token could not be stored; will refresh again",
      );
      return { ok: false, reason: "unavailable", detail: "the refreshed token could not be stored", transient: true };
    }
    if (stored === 0) {
      const current = await this.readSession(shop);
      if (!current)
        return { ok: false, reason: "no_session", detail: "the offline session was deleted (app uninstalled)" };
      this.log.info({ shop }, "the offline session changed during the refresh; using the stored one");
      return this.remember(shop, current);
    }
    this.log.info(
      { shop, why, expiresInSeconds: expiresIn, rotated: rotated !== null },
      "Shopify offline access token refreshed",
    );
    if (expiresIn === null)
      this.log.warn({ shop }, "Shopify's refresh answer had no expires_in: assuming 60 minutes (shopify-app-js#3400)");
    return this.remember(shop, data);
  }

  private async markFailed(
    shop: string,
    session: StoredSession,
    reason: string,
    status: number,
    oauthError: string | null,
  ): Promise<void> {
    const at = new Date(this.now());
    this.cache.delete(shop);
    this.log.error(
      { shop, status, error: oauthError },
      "Shopify refused to refresh the offline access token: the shop's Shopify calls stop until the merchant opens Ballast",
    );
    await this.database.shop.upsert({
      where: { shop },
      create: {
        shop,
        shopifyAuthFailedAt: at,
        shopifyAuthFailure: formatAuthFailure(reason, sessionFingerprint(session)),
      },
      update: { shopifyAuthFailedAt: at, shopifyAuthFailure: formatAuthFailure(reason, sessionFingerprint(session)) },
    });
    await raiseAlert(this.database, {
      shop,
      kind: "shopify_auth_failed",
      severity: "critical",
      details: { status, ...(oauthError ? { error: oauthError } : {}), guidance: "open_ballast_in_shopify_admin" },
      at,
    });
  }
}

/** One token keeper per set of dependencies (a process normally has one), so single-flight and caches are shared. */
const keepers = new WeakMap<object, OfflineTokens>();

export function offlineTokensFor(key: object, options: () => OfflineTokenOptions): OfflineTokens {
  let keeper = keepers.get(key);
  if (!keeper) {
    keeper = new OfflineTokens(options());
    keepers.set(key, keeper);
  }
  return keeper;
}
