import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { methodNotAllowed, withApi } from "~/web/api.server";
import { startOperation } from "~/web/channel-operations.server";

/** POST /api/v1/resync: queues a resync (or returns the one already queued or running). */
export const loader = ({ request }: LoaderFunctionArgs) => withApi(request, async () => methodNotAllowed(["POST"]));

export const action = ({ request }: ActionFunctionArgs) =>
  withApi(request, async ({ shop, database }) => {
    if (request.method !== "POST") return methodNotAllowed(["POST"]);
    const operationId = await startOperation(database, { shop, kind: "resync", nowMs: Date.now(), source: "api" });
    const operation = await database.operation.findFirst({ where: { shop, id: operationId } });
    return Response.json(
      {
        operation: {
          id: operationId,
          kind: "resync",
          state: operation?.state ?? "queued",
          done: operation?.done ?? 0,
          total: operation?.total ?? null,
        },
      },
      { status: 202 },
    );
  });
