// vitest setupFiles: the app logs JSON lines; in a test run they go to a file instead of
// the console (noise around the results) and are scanned for secrets when the run ends
// (tests/support/log-capture.ts). BALLAST_TEST_LOGS=1 shows them as well. Level debug:
// the scan must see everything the app can log. Tests that check logging capture their
// own logger.
import { appendFileSync } from "node:fs";
import path from "node:path";
import { threadId } from "node:worker_threads";
import pino from "pino";
import { logger } from "~/logger.server";

const folder = process.env.BALLAST_LOG_CAPTURE_DIR;
const show = process.env.BALLAST_TEST_LOGS === "1";

if (folder) {
  const file = path.join(folder, `in-process-${process.pid}-${threadId}.log`);
  // pino keeps its destination under this symbol; swapping it keeps the app's logger
  // (levels, redaction) exactly as configured and only changes where lines go.
  (logger as unknown as Record<symbol, unknown>)[pino.symbols.streamSym] = {
    write(line: string) {
      appendFileSync(file, line);
      if (show) process.stdout.write(line);
    },
  };
  logger.level = "debug";
} else if (!show) {
  logger.level = "silent";
}
