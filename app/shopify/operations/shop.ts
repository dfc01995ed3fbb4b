/** The cheapest authenticated read: proves the token works (cost 1). */
export const SHOP_HEALTH_QUERY = `#graphql
  query BallastShopHealth {
    shop {
      name
      myshopifyDomain
    }
  }
`;
