import { readinessResponse } from "~/web/health.server";

/** Readiness probe: database reachable, migrations applied, not stopping (app/web/health.server.ts). */
export const loader = () => readinessResponse();
