// vitest setupFiles: the app logs JSON lines at info; in tests that is noise around the
// results. BALLAST_TEST_LOGS=1 keeps them. Tests that check logging capture their own logger.
import { logger } from "~/logger.server";

if (process.env.BALLAST_TEST_LOGS !== "1") logger.level = "silent";
