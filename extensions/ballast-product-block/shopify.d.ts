/// <reference types="@shopify/ui-extensions/admin.product-details.block.render" />
