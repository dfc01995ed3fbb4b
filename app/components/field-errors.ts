import type { MessageKey } from "~/i18n";
import { useT } from "~/i18n/react";

/** A form's errors as the page shows them: every message for one field, in the page's language. */
export function useFieldErrorText<Field extends string>(
  errors: readonly { field: Field; key: MessageKey; values: Record<string, string | number> }[],
) {
  const t = useT();
  return (field: Field): string | undefined => {
    const found = errors.filter((error) => error.field === field);
    return found.length ? found.map((error) => t(error.key, error.values)).join(" ") : undefined;
  };
}
