import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "./logger.server";

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { logger: createLogger({ level: "info", destination }), lines };
}

describe("logger", () => {
  it("redacts tokens and secrets wherever they sit in a log object", () => {
    const { logger, lines } = capture();
    logger.info(
      { accessToken: "shpat_secret1", connection: { token: "EAAB_secret2", credentials: { client_secret: "s3" } } },
      "connected",
    );
    const output = lines.join("");
    expect(output).toContain("connected");
    expect(output).not.toMatch(/shpat_secret1|EAAB_secret2|s3"/);
    expect(output).toContain("[redacted]");
  });

  it("writes structured JSON with the level and message", () => {
    const { logger, lines } = capture();
    logger.warn({ shop: "a.myshopify.com" }, "slow channel");
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 40, msg: "slow channel", shop: "a.myshopify.com" });
  });
});
