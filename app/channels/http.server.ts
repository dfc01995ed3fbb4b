/**
 * One HTTP request of a channel's API (Meta Graph, Google Merchant): JSON body, bearer
 * token, the connector's timeout joined to the caller's signal. A request that gets no
 * answer at all (network error, timeout) becomes `noAnswer(errorName)`, for the connector
 * to class as transient; one the caller aborted surfaces as the abort's reason.
 */
export async function sendChannelRequest(
  url: URL,
  request: {
    method: "GET" | "POST";
    bearer: string;
    body?: unknown;
    signal?: AbortSignal | undefined;
    timeoutMs: number;
  },
  noAnswer: (errorName: string) => Error,
): Promise<Response> {
  const timeout = AbortSignal.timeout(request.timeoutMs);
  try {
    return await fetch(url, {
      method: request.method,
      signal: request.signal ? AbortSignal.any([request.signal, timeout]) : timeout,
      headers: {
        authorization: `Bearer ${request.bearer}`,
        ...(request.body ? { "content-type": "application/json" } : {}),
      },
      ...(request.body ? { body: JSON.stringify(request.body) } : {}),
    });
  } catch (error) {
    if (request.signal?.aborted) throw request.signal.reason;
    throw noAnswer((error as Error).name);
  }
}
