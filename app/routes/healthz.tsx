import { livenessResponse } from "~/web/health.server";

/** Liveness probe: the process is up (app/web/health.server.ts). */
export const loader = () => livenessResponse();
