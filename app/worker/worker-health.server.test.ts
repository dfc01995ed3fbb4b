// @database
/**
 * The worker's probes on WORKER_HEALTH_PORT, over HTTP: liveness follows the lanes'
 * progress (a lane stuck past the threshold, or a stopping worker, answers 503), readiness
 * the database and its migrations.
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { shippedMigrations } from "~/db/readiness.server";
import { createTestDatabase, type TestDatabase } from "../../tests/support/database";
import { send } from "../../tests/support/http";
import { recordMigrations } from "../../tests/support/migrations-table";
import { startWorkerHealthServer, STALLED_AFTER_MS, workerLiveness } from "./worker-health.server";
import type { WorkerHealth } from "./worker.server";

const NOW = Date.UTC(2026, 10, 27, 12);
let testDatabase: TestDatabase;
let server: Server;
let url: string;
let health: WorkerHealth;

beforeAll(async () => {
  testDatabase = await createTestDatabase();
  server = await startWorkerHealthServer({
    worker: { health: () => health },
    database: testDatabase.database,
    provider: testDatabase.provider,
    port: 0,
    host: "127.0.0.1",
    now: () => NOW,
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await testDatabase?.drop();
});

const lanes = (ageMs: Record<string, number>) =>
  Object.fromEntries(Object.entries(ageMs).map(([lane, age]) => [lane, new Date(NOW - age)]));

describe("worker liveness", () => {
  it("is live while every lane made progress within the threshold", () => {
    const running = { running: true, lanes: lanes({ ingest: 1_000, meta: STALLED_AFTER_MS }) };
    expect(workerLiveness(running, NOW)).toEqual({ live: true, status: "ok", stalledLanes: [] });
    const stuck = { running: true, lanes: lanes({ ingest: 1_000, maintenance: STALLED_AFTER_MS + 1 }) };
    expect(workerLiveness(stuck, NOW)).toEqual({ live: false, status: "stalled", stalledLanes: ["maintenance"] });
    expect(workerLiveness({ running: false, lanes: {} }, NOW)).toEqual({
      live: false,
      status: "stopping",
      stalledLanes: [],
    });
  });
});

describe("worker probes over HTTP", { shuffle: false }, () => {
  it("answers /healthz 200 while the lanes progress, 503 naming a stalled lane, 503 when stopping", async () => {
    health = { running: true, lanes: lanes({ ingest: 500, online_store: 900, maintenance: 2_000 }) };
    expect(await send(`${url}/healthz`)).toMatchObject({ status: 200, json: { status: "ok", stalledLanes: [] } });
    health = { running: true, lanes: lanes({ ingest: 500, online_store: STALLED_AFTER_MS + 60_000 }) };
    expect(await send(`${url}/healthz`)).toMatchObject({
      status: 503,
      json: { status: "stalled", stalledLanes: ["online_store"] },
    });
    health = { running: false, lanes: lanes({ ingest: 500 }) };
    expect(await send(`${url}/healthz`)).toMatchObject({ status: 503, json: { status: "stopping" } });
    expect(await send(`${url}/readyz`)).toMatchObject({ status: 503, json: { status: "stopping" } });
  });

  it("answers /readyz 503 until every shipped migration is applied, then 200", async () => {
    health = { running: true, lanes: lanes({ ingest: 500 }) };
    const shipped = shippedMigrations(testDatabase.provider)!;
    const before = await send(`${url}/readyz`);
    expect(before).toMatchObject({ status: 503, json: { status: "not_ready", database: "ok" } });
    expect(before.json.pendingMigrations).toEqual(shipped);
    await recordMigrations(testDatabase.database, shipped);
    expect(await send(`${url}/readyz`)).toMatchObject({ status: 200, json: { status: "ready", ready: true } });
  });

  it("answers 404 elsewhere and 405 to anything but GET and HEAD", async () => {
    expect((await send(`${url}/`)).status).toBe(404);
    expect((await send(`${url}/healthz`, { method: "POST" })).status).toBe(405);
    expect((await send(`${url}/healthz`, { method: "HEAD" })).status).toBe(200);
  });
});
