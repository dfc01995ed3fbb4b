import { useCallback, useEffect, useState } from "react";

/**
 * The last post's outcome, kept until the merchant dismisses it or the next post replaces
 * it. Remix forgets action data on the next load of the page's data, and pages that follow
 * a running operation reload it every 2 s (useRevalidateWhile): the message vanished with it.
 */
export function useKeptResult<Result>(latest: Result | undefined): [Result | undefined, () => void] {
  const [kept, setKept] = useState<Result | undefined>(latest);
  useEffect(() => {
    if (latest !== undefined) setKept(latest);
  }, [latest]);
  const dismiss = useCallback(() => setKept(undefined), []);
  return [kept, dismiss];
}
