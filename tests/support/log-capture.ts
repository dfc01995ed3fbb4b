/**
 * vitest globalSetup: every log line the suite produces is kept and scanned for secrets
 * and customer personal data when the run ends; one finding fails the run.
 *
 * Why the whole suite and not one chosen flow: a leak happens on the path nobody thought
 * of (an error branch, a retry, a connector's failure), and the suite already walks most
 * of them — webhooks with customer details, channel connections with real-shaped tokens,
 * failing channels, compliance requests. So both sides are captured: the app's pino
 * logger inside the test processes (tests/support/quiet-logs.ts sends it to a file at
 * debug level instead of silencing it), and everything the production servers started by
 * sim/app-server.ts write to stdout and stderr (at debug level, see
 * testServerEnv). Tests that check their own logger (createLogger with a destination)
 * are left out on purpose: they feed it secrets to prove redaction.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describeFindings, scanForSecrets } from "./secrets";

export const LOG_CAPTURE_VARIABLE = "BALLAST_LOG_CAPTURE_DIR";

export default function captureLogs() {
  // Each vitest project (SQLite, PostgreSQL) runs global setup: the first one captures for all.
  if (process.env[LOG_CAPTURE_VARIABLE]) return;
  const folder = mkdtempSync(path.join(tmpdir(), "ballast-test-logs-"));
  // Test workers are started after global setup and inherit this.
  process.env[LOG_CAPTURE_VARIABLE] = folder;
  return () => {
    const files = readdirSync(folder);
    let lines = 0;
    const findings = files.flatMap((file) => {
      const text = readFileSync(path.join(folder, file), "utf8");
      lines += text.split("\n").length - 1;
      return scanForSecrets(text, file);
    });
    if (findings.length > 0) {
      // Kept for reading; the masked report says where to look.
      throw new Error(
        `Secrets or customer data in the test run's logs (${findings.length}; logs kept in ${folder}):\n${describeFindings(findings.slice(0, 50))}`,
      );
    }
    if (process.env.BALLAST_TEST_LOGS === "1")
      console.log(`log scan: ${files.length} files, ${lines} lines, no secrets`);
    rmSync(folder, { recursive: true, force: true });
  };
}
