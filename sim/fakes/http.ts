/**
 * What the HTTP fakes share: reading a request body, logging request lines, answering
 * JSON (optionally late, as a slow upstream whose request has already taken effect),
 * listening on loopback and closing without waiting for idle keep-alive sockets.
 */
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { FakeClock } from "./meta/clock";

/** What every channel fake's control API starts with: its clock, its counters and the request lines it received. */
export interface FakeControlBase<Counters extends { requests: number }> {
  clock: FakeClock;
  readonly counters: Readonly<Counters>;
  /** Request lines as received (query strings and secrets included): lets a test prove tokens never travel in URLs. */
  readonly requestLines: readonly string[];
}

export async function readText(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** Counts the request and keeps its line (query string and secrets included: tests check that tokens never travel in URLs). */
export function logRequest(
  request: IncomingMessage,
  log: { counters: { requests: number }; requestLines: string[] },
): URL {
  log.counters.requests += 1;
  const url = new URL(request.url ?? "/", "http://fake");
  log.requestLines.push(`${request.method} ${url.pathname}${url.search}`);
  return url;
}

/** The control switch `slowNext(ms, count)`: the next `count` answers leave after `ms` of real time. */
export class SlowAnswers {
  #ms = 0;
  #count = 0;
  readonly #timers = new Set<NodeJS.Timeout>();

  slowNext(ms: number, count: number): void {
    this.#ms = ms;
    this.#count = count;
  }

  /** Runs `answer` now, or after the delay while slow answers are due. */
  pace(answer: () => void): void {
    if (this.#count <= 0) return answer();
    this.#count -= 1;
    const timer = setTimeout(() => (this.#timers.delete(timer), answer()), this.#ms);
    this.#timers.add(timer);
  }

  /** Drops the answers still waiting (the server is closing). */
  cancel(): void {
    for (const timer of this.#timers) clearTimeout(timer);
  }
}

/** A JSON answer (Graph-style content type), through `pacing` when given; nothing once the response has ended. */
export function answerJson(response: ServerResponse, status: number, body: unknown, pacing?: SlowAnswers): void {
  const finish = () => {
    if (response.writableEnded) return;
    response.statusCode = status;
    response.setHeader("content-type", "application/json; charset=UTF-8");
    response.end(JSON.stringify(body));
  };
  if (pacing) pacing.pace(finish);
  else finish();
}

/** Listens (port 0: any free port) and gives the base URL. */
export async function listen(server: Server, port = 0, host = "127.0.0.1"): Promise<string> {
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  const address = server.address() as AddressInfo;
  return `http://${address.address}:${address.port}`;
}

export function closeServer(server: Server): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.closeAllConnections();
    server.close((error) => (error ? reject(error) : resolve()));
  });
}
