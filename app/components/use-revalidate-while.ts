import { useEffect } from "react";
import { useRevalidator } from "@remix-run/react";

/** Progress of long operations (the first catalog read, resync, release holds): the page's data is reloaded every 2 s while `pending`. */
export function useRevalidateWhile(pending: boolean) {
  const revalidator = useRevalidator();
  useEffect(() => {
    if (!pending) return;
    const timer = setInterval(() => {
      if (revalidator.state === "idle") revalidator.revalidate();
    }, 2000);
    return () => clearInterval(timer);
  }, [pending, revalidator]);
}
