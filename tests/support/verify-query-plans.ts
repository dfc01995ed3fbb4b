// vitest setupFiles: every raw query plan Ballast builds without Prisma's compiler
// (app/db/query-plan-cache.server.ts) is compiled as well and must be identical, so any
// raw query the suite runs, on either database, checks the shortcut.
import { verifyRawQueryPlans } from "~/db/query-plan-cache.server";

verifyRawQueryPlans(true);
