import { describe, expect, it } from "vitest";
import {
  ConfigurationError,
  parseEnv,
  prismaPatchesEnabled,
  privateWebhookHostsAllowed,
  pushIntervals,
} from "./env.server";

const valid = {
  SHOPIFY_API_KEY: "key",
  SHOPIFY_API_SECRET: "secret",
  SHOPIFY_APP_URL: "https://ballast.example.com",
  BALLAST_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString("base64"),
};

describe("parseEnv", () => {
  it("accepts a minimal production environment and fills the defaults", () => {
    const env = parseEnv(valid);
    expect(env.DATABASE_URL).toMatch(/^file:.*prisma\/dev\.sqlite$/);
    expect(env.META_GRAPH_API_VERSION).toBe("v26.0");
    expect(env.encryptionKey).toHaveLength(32);
    expect(env.SHOPIFY_ADMIN_API_BASE_URL).toBeUndefined();
  });

  it.each([
    ["SHOPIFY_API_SECRET", { SHOPIFY_API_SECRET: undefined }, /SHOPIFY_API_SECRET is required/],
    ["SHOPIFY_APP_URL", { SHOPIFY_APP_URL: "not a url" }, /SHOPIFY_APP_URL/],
    ["BALLAST_ENCRYPTION_KEY", { BALLAST_ENCRYPTION_KEY: "c2hvcnQ=" }, /BALLAST_ENCRYPTION_KEY must be 32 bytes/],
    ["DATABASE_URL", { DATABASE_URL: "mysql://x" }, /DATABASE_URL must start with file: or postgresql:\/\//],
    ["META_GRAPH_API_VERSION", { META_GRAPH_API_VERSION: "26" }, /META_GRAPH_API_VERSION must look like v26.0/],
    ["BALLAST_PRISMA_PATCHES", { BALLAST_PRISMA_PATCHES: "false" }, /BALLAST_PRISMA_PATCHES must be "on" or "off"/],
  ])("stops with one line naming %s when it is wrong", (_name, change, message) => {
    const attempt = () => parseEnv({ ...valid, ...change });
    expect(attempt).toThrow(ConfigurationError);
    expect(attempt).toThrow(message);
    try {
      attempt();
    } catch (error) {
      expect((error as Error).message.split("\n")).toHaveLength(1);
    }
  });

  it("reads per-channel push intervals", () => {
    const env = parseEnv({ ...valid, SYNC_PUSH_INTERVALS: "meta=60000,online_store=0" });
    expect(pushIntervals(env.SYNC_PUSH_INTERVALS)).toEqual({ meta: 60000, online_store: 0 });
    expect(() => parseEnv({ ...valid, SYNC_PUSH_INTERVALS: "tiktok=5" })).toThrow(/SYNC_PUSH_INTERVALS/);
  });

  it("reads the lease TTL, 60 s unless set, and refuses one under a second", () => {
    expect(parseEnv(valid).SYNC_LEASE_TTL_MS).toBe(60_000);
    expect(parseEnv({ ...valid, SYNC_LEASE_TTL_MS: "5000" }).SYNC_LEASE_TTL_MS).toBe(5_000);
    expect(() => parseEnv({ ...valid, SYNC_LEASE_TTL_MS: "50" })).toThrow(/SYNC_LEASE_TTL_MS/);
  });

  it("accepts a hex encryption key", () => {
    expect(parseEnv({ ...valid, BALLAST_ENCRYPTION_KEY: "ab".repeat(32) }).encryptionKey[0]).toBe(0xab);
  });

  it("turns the Prisma patches on unless BALLAST_PRISMA_PATCHES=off, read alone where databases are created", () => {
    expect(parseEnv(valid).BALLAST_PRISMA_PATCHES).toBe("on");
    expect(parseEnv({ ...valid, BALLAST_PRISMA_PATCHES: "off" }).BALLAST_PRISMA_PATCHES).toBe("off");
    expect(prismaPatchesEnabled({})).toBe(true);
    expect(prismaPatchesEnabled({ BALLAST_PRISMA_PATCHES: "on" })).toBe(true);
    expect(prismaPatchesEnabled({ BALLAST_PRISMA_PATCHES: "off" })).toBe(false);
    expect(() => prismaPatchesEnabled({ BALLAST_PRISMA_PATCHES: "no" })).toThrow(ConfigurationError);
  });

  it("keeps alert webhooks off private addresses unless BALLAST_ALLOW_PRIVATE_WEBHOOK_HOSTS=1", () => {
    expect(parseEnv(valid).allowPrivateWebhookHosts).toBe(false);
    expect(parseEnv({ ...valid, BALLAST_ALLOW_PRIVATE_WEBHOOK_HOSTS: "1" }).allowPrivateWebhookHosts).toBe(true);
    expect(() => parseEnv({ ...valid, BALLAST_ALLOW_PRIVATE_WEBHOOK_HOSTS: "yes" })).toThrow(
      /BALLAST_ALLOW_PRIVATE_WEBHOOK_HOSTS must be "0" or "1"/,
    );
    expect(privateWebhookHostsAllowed({})).toBe(false);
    expect(privateWebhookHostsAllowed({ BALLAST_ALLOW_PRIVATE_WEBHOOK_HOSTS: "0" })).toBe(false);
    expect(privateWebhookHostsAllowed({ BALLAST_ALLOW_PRIVATE_WEBHOOK_HOSTS: "1" })).toBe(true);
    expect(() => privateWebhookHostsAllowed({ BALLAST_ALLOW_PRIVATE_WEBHOOK_HOSTS: "true" })).toThrow(
      ConfigurationError,
    );
  });
});
