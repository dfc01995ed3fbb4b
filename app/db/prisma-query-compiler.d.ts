// The query compilers Prisma's generated clients load (app/generated/*/internal/class.ts),
// typed for app/db/query-plan-cache.server.ts, which is all that uses them.
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
