/**
 * PostgreSQL driver adapter for the Prisma CLI only (migrate, db push, diff).
 *
 * Prisma 6.19's JS schema engine reads catalog columns of type `name` and `"char"`,
 * which @prisma/adapter-pg cannot deserialize (Prisma issue #27403). Reporting them as
 * text fixes introspection. The app's runtime client uses the stock adapter.
 */
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";

const TEXT = 25;
const TEXT_ARRAY = 1009;
const AS_TEXT: Record<number, number> = { 19: TEXT, 18: TEXT, 1003: TEXT_ARRAY, 1002: TEXT_ARRAY };

type QueryResultLike = { fields?: Array<{ dataTypeID: number }> } | undefined;

function reportCatalogTypesAsText<T extends QueryResultLike>(result: T): T {
  for (const field of result?.fields ?? []) {
    const replacement = AS_TEXT[field.dataTypeID];
    if (replacement !== undefined) field.dataTypeID = replacement;
  }
  return result;
}

class CatalogTypesAsTextClient extends pg.Client {
  // pg's overloads cannot be restated in a subclass; the behaviour is unchanged but the result.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override query(config: any, values?: any, callback?: any): any {
    if (typeof values === "function") {
      callback = values;
      values = undefined;
    }
    if (typeof callback === "function") {
      return super.query(config, values, (error: Error | null, result: QueryResultLike) =>
        callback(error, error ? result : reportCatalogTypesAsText(result)),
      );
    }
    const pending = super.query(config, values);
    return pending && typeof pending.then === "function" ? pending.then(reportCatalogTypesAsText) : pending;
  }
}

class PrismaPgForCli extends PrismaPg {
  constructor(private readonly poolConfig: pg.PoolConfig) {
    super(poolConfig);
  }

  // The stock teardown drops the shadow database while its pool is still connected.
  override async connectToShadowDb() {
    const main = await this.connect();
    const database = `prisma_migrate_shadow_db_${globalThis.crypto.randomUUID().replaceAll("-", "")}`;
    await main.executeScript(`CREATE DATABASE "${database}"`);
    const shadowFactory = new PrismaPg({ ...this.poolConfig, database });
    const shadow = await shadowFactory.connect();
    const dispose = shadow.dispose.bind(shadow);
    shadow.dispose = async () => {
      await dispose();
      await main.executeScript(`DROP DATABASE IF EXISTS "${database}"`);
      await main.dispose();
    };
    return shadow;
  }
}

/** Separate host/user/… fields: a connectionString would override the shadow database name. */
export function createCliPgAdapter(url: string) {
  const parsed = new URL(url);
  return new PrismaPgForCli({
    host: parsed.hostname,
    port: parsed.port ? Number(parsed.port) : 5432,
    user: decodeURIComponent(parsed.username) || undefined,
    password: decodeURIComponent(parsed.password) || undefined,
    database: parsed.pathname.replace(/^\//, "") || "postgres",
    Client: CatalogTypesAsTextClient,
  } as pg.PoolConfig);
}
