export const LOCATIONS_QUERY = `#graphql
  query BallastLocations($first: Int!, $after: String, $query: String) {
    locations(first: $first, after: $after, query: $query, includeInactive: false) {
      nodes {
        id
        name
        isActive
        fulfillsOnlineOrders
        updatedAt
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;

export interface LocationNode {
  id: string;
  name: string;
  isActive: boolean;
  fulfillsOnlineOrders: boolean;
  updatedAt: string;
}

export interface LocationsData {
  locations: { nodes: LocationNode[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
}
