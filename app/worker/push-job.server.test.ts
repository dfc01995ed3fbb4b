import { describe, expect, it } from "vitest";
import { createMetaConnector } from "~/channels/meta/connector.server";
import type { ChannelCapabilities } from "~/channels/types";
import { passBudgetOf } from "./push-job.server";

describe("a push pass's budget", () => {
  it("is read from the connector: Meta's hourly write budget, a few calls a pass", () => {
    const meta = createMetaConnector({
      graphBaseUrl: "http://127.0.0.1:9",
      apiVersion: "v26.0",
      catalogId: "1",
      accessToken: "token",
      batchCallsPerHour: 60,
    });
    expect(passBudgetOf(meta.capabilities)).toEqual({ maxCalls: 4, writeCallsPerHour: 60 });
    expect(
      passBudgetOf(
        createMetaConnector({
          graphBaseUrl: "http://127.0.0.1:9",
          apiVersion: "v26.0",
          catalogId: "1",
          accessToken: "token",
        }).capabilities,
      ),
    ).toEqual({
      maxCalls: 4,
      writeCallsPerHour: 100,
    });
  });

  it("without an hourly budget: up to 20 calls a pass, no hourly cap", () => {
    const capabilities: ChannelCapabilities = {
      channel: "google",
      shows: "availability",
      maxBatchSize: 250,
      budget: { updatesPerItemPerDay: 2, summary: "" },
    };
    expect(passBudgetOf(capabilities)).toEqual({ maxCalls: 20, writeCallsPerHour: undefined });
  });
});
