import type { BallastLocationsQuery } from "../generated/admin-types";

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

export type LocationNode = BallastLocationsQuery["locations"]["nodes"][number];
