import { Box, ResourceList, Text, type ResourceListProps } from "@shopify/polaris";

/** A Polaris resource list, or one subdued line saying there is nothing to show. */
export function ListOrEmpty<Item extends { id: string }>(props: {
  items: Item[];
  empty: string;
  resourceName: ResourceListProps<Item>["resourceName"];
  renderItem: ResourceListProps<Item>["renderItem"];
}) {
  if (props.items.length === 0) {
    return (
      <Box padding="400">
        <Text as="p" tone="subdued">
          {props.empty}
        </Text>
      </Box>
    );
  }
  return <ResourceList items={props.items} resourceName={props.resourceName} renderItem={props.renderItem} />;
}
