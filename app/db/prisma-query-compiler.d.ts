// The query compilers Prisma's generated clients load (app/generated/*/internal/class.ts),
// typed for app/db/prisma-patches.server.ts, which wraps their compile (query-plan-cache.server.ts).
declare module "@prisma/client/runtime/query_compiler_bg.sqlite.mjs" {
  export class QueryCompiler {
    compile(request: string): unknown;
  }
}
declare module "@prisma/client/runtime/query_compiler_bg.postgresql.mjs" {
  export class QueryCompiler {
    compile(request: string): unknown;
  }
}
