/**
 * OAuth 2.0 access tokens for the Merchant API, from either a refresh token (an OAuth
 * client the merchant authorised) or a service account key (JWT bearer grant, RFC 7523).
 * Tokens are cached until a minute before expiry. Secrets never leave this module except
 * in the token request body.
 */
import { createSign } from "node:crypto";
import type { ConnectorClock } from "~/channels/backoff.server";

export const MERCHANT_API_SCOPE = "https://www.googleapis.com/auth/content";

export type GoogleCredentials =
  | { kind: "refresh_token"; clientId: string; clientSecret: string; refreshToken: string }
  | { kind: "service_account"; clientEmail: string; privateKey: string; privateKeyId?: string };

export class GoogleAuthError extends Error {
  override name = "GoogleAuthError";
  constructor(
    message: string,
    /** invalid_grant / invalid_client: retrying with the same credentials will not help. */
    readonly revoked: boolean,
  ) {
    super(message);
  }
}

export class GoogleAccessTokens {
  #cached: { token: string; expiresAt: number } | null = null;

  constructor(
    private readonly options: {
      tokenUrl: string;
      credentials: GoogleCredentials;
      clock: ConnectorClock;
      requestTimeoutMs: number;
    },
  ) {}

  invalidate(): void {
    this.#cached = null;
  }

  async get(signal?: AbortSignal): Promise<string> {
    const now = this.options.clock.now();
    if (this.#cached && this.#cached.expiresAt - 60_000 > now) return this.#cached.token;
    const timeout = AbortSignal.timeout(this.options.requestTimeoutMs);
    let response: Response;
    try {
      response = await fetch(this.options.tokenUrl, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: this.#grant(now),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      throw new GoogleAuthError(`token endpoint unreachable (${(error as Error).name})`, false);
    }
    const body = (await response.json().catch(() => ({}))) as {
      access_token?: string;
      expires_in?: number;
      error?: string;
      error_description?: string;
    };
    if (!response.ok || !body.access_token) {
      const revoked =
        body.error === "invalid_grant" || body.error === "invalid_client" || body.error === "unauthorized_client";
      throw new GoogleAuthError(
        `token refused: ${body.error ?? response.status} ${body.error_description ?? ""}`.trim(),
        revoked,
      );
    }
    this.#cached = { token: body.access_token, expiresAt: now + (body.expires_in ?? 3600) * 1000 };
    return body.access_token;
  }

  #grant(now: number): URLSearchParams {
    const { credentials, tokenUrl } = this.options;
    if (credentials.kind === "refresh_token") {
      return new URLSearchParams({
        grant_type: "refresh_token",
        client_id: credentials.clientId,
        client_secret: credentials.clientSecret,
        refresh_token: credentials.refreshToken,
      });
    }
    const issuedAt = Math.floor(now / 1000);
    const header = { alg: "RS256", typ: "JWT", ...(credentials.privateKeyId ? { kid: credentials.privateKeyId } : {}) };
    const claims = {
      iss: credentials.clientEmail,
      scope: MERCHANT_API_SCOPE,
      aud: tokenUrl,
      iat: issuedAt,
      exp: issuedAt + 3600,
    };
    const unsigned = `${Buffer.from(JSON.stringify(header)).toString("base64url")}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}`;
    const signature = createSign("RSA-SHA256").update(unsigned).sign(credentials.privateKey).toString("base64url");
    return new URLSearchParams({
      grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer",
      assertion: `${unsigned}.${signature}`,
    });
  }
}
