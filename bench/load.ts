/**
 * A small closed-loop HTTP load generator: `concurrency` clients each send their next
 * request as soon as the previous one is answered. Reports throughput and latency
 * percentiles. Loopback only.
 */
import { nearestRank } from "~/domain/percentile";
import { Agent, request } from "node:http";

export interface LoadResult {
  requests: number;
  seconds: number;
  throughputPerSec: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  non2xx: number;
}

export interface PreparedRequest {
  path: string;
  headers: Record<string, string>;
  body: string;
}

function post(agent: Agent, url: URL, prepared: PreparedRequest): Promise<number> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      { agent, host: url.hostname, port: url.port, path: prepared.path, method: "POST", headers: prepared.headers },
      (response) => {
        response.resume();
        response.on("end", () => resolve(response.statusCode ?? 0));
        response.on("error", reject);
      },
    );
    outgoing.on("error", reject);
    outgoing.end(prepared.body);
  });
}

export async function runLoad(
  baseUrl: string,
  requests: readonly PreparedRequest[],
  concurrency: number,
): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const url = new URL(baseUrl);
  const latencies: number[] = [];
  let next = 0;
  let non2xx = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < requests.length) {
        const prepared = requests[next++]!;
        const sentAt = performance.now();
        const status = await post(agent, url, prepared);
        latencies.push(performance.now() - sentAt);
        if (status < 200 || status >= 300) non2xx += 1;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const round = (value: number) => Math.round(value * 100) / 100;
  return {
    requests: requests.length,
    seconds: round(seconds),
    throughputPerSec: Math.round(requests.length / seconds),
    p50Ms: round(nearestRank(latencies, 0.5)),
    p99Ms: round(nearestRank(latencies, 0.99)),
    maxMs: round(latencies.at(-1) ?? 0),
    non2xx,
  };
}
