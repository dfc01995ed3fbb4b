/**
 * The merchant's webhook receiver, in tests: an HTTP server on loopback keeping every request
 * it gets (path, headers, body) and the status it answered, 200 unless a test says otherwise.
 */
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedPost {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The status it was answered with. */
  status: number;
}

export interface TestWebhookReceiver {
  /** The receiver's address with `pathname`. */
  url: string;
  /** Every request, in order, refused ones included. */
  posts: ReceivedPost[];
  /** Those answered 2xx: what a receiver accepted. */
  accepted(): ReceivedPost[];
  /** The status every request gets from now on. */
  answerWith(status: number): void;
  /** The next `count` requests are answered 503, then the usual status again. */
  failNext(count: number): void;
  close(): Promise<void>;
}

export async function startWebhookReceiver(pathname = "/hooks/ballast"): Promise<TestWebhookReceiver> {
  // This receiver is on loopback, where production never delivers (app/security/webhook-address.ts):
  // the test process's deliveries may reach it. Tests of the refusal pass allowPrivateHosts: false.
  process.env.BALLAST_ALLOW_PRIVATE_WEBHOOK_HOSTS ??= "1";
  const posts: ReceivedPost[] = [];
  let status = 200;
  let failures = 0;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const answered = failures > 0 ? 503 : status;
      if (failures > 0) failures -= 1;
      posts.push({
        path: request.url ?? "",
        headers: request.headers,
        body: Buffer.concat(chunks).toString("utf8"),
        status: answered,
      });
      response.statusCode = answered;
      response.end(answered < 300 ? "ok" : "");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${pathname}`,
    posts,
    accepted: () => posts.filter((post) => post.status >= 200 && post.status < 300),
    answerWith(next) {
      status = next;
    },
    failNext(count) {
      failures = count;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
