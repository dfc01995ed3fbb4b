import type { ComponentProps, ReactNode } from "react";
import { BlockStack, Card, InlineStack, Text } from "@shopify/polaris";

interface TitledCardProps {
  title: ReactNode;
  gap: ComponentProps<typeof BlockStack>["gap"];
  /** Buttons at the heading's end. */
  actions?: ReactNode;
  children: ReactNode;
}

/** A card of the page's layout: a heading (with its actions, if any), then its content stacked below. */
export function TitledCard({ title, gap, actions, children }: TitledCardProps) {
  const heading = (
    <Text as="h2" variant="headingMd">
      {title}
    </Text>
  );
  return (
    <Card>
      <BlockStack gap={gap}>
        {actions ? (
          <InlineStack align="space-between" blockAlign="center">
            {heading}
            {actions}
          </InlineStack>
        ) : (
          heading
        )}
        {children}
      </BlockStack>
    </Card>
  );
}
