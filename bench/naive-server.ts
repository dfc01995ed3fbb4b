/**
 * The naive design Ballast avoids: verify, then do all the work inline (apply the
 * event to the master record and recompute desired quantities) before answering.
 * Same modules as the app; run as its own process by bench/ingest.ts.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";
import { createDatabase, databaseProvider } from "~/db.server";
import { processPendingEvents } from "~/ingest/process-events.server";
import { recordWebhookEvent } from "../app/ingest/webhook-event.server";
import { recomputeShop } from "~/sync/recompute.server";

const secret = process.env.SHOPIFY_API_SECRET!;
const database = createDatabase(process.env.DATABASE_URL!);
const provider = databaseProvider(process.env.DATABASE_URL!);
let queue = Promise.resolve();

const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on("data", (chunk: Buffer) => chunks.push(chunk));
  request.on("end", () => {
    const body = Buffer.concat(chunks);
    const expected = createHmac("sha256", secret).update(body).digest();
    const given = Buffer.from(String(request.headers["x-shopify-hmac-sha256"] ?? ""), "base64");
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      return void response.writeHead(401).end();
    const shop = String(request.headers["x-shopify-shop-domain"]);
    // Serialised, as one shop's stored must be: the work inline, then the answer.
    queue = queue
      .then(async () => {
        await recordWebhookEvent(database, {
          shop,
          topic: String(request.headers["x-shopify-topic"]),
          webhookId: String(request.headers["x-shopify-webhook-id"]),
          eventId: String(request.headers["x-shopify-event-id"]),
          apiVersion: "2026-10",
          triggeredAt: null,
          rawBody: body.toString(),
        });
        await processPendingEvents(database, shop, { now: new Date(), provider });
        await recomputeShop(database, shop, { now: new Date(), scope: "dirty", provider });
        response.writeHead(200).end();
      })
      .catch(() => void response.writeHead(500).end());
  });
});
server.listen(Number(process.env.PORT), "127.0.0.1", () => process.stdout.write("ready\n"));
