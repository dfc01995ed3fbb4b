/**
 * Which test files use the test database, so the "postgresql" vitest project runs those
 * and nothing else (vitest.config.ts). A file says so itself with a line
 *
 *     // @database
 *
 * at its top. tests/support/database-marker.test.ts keeps the marks honest: a test file
 * that reaches the test database (tests/support/database.ts: createTestDatabase,
 * testDatabaseProvider, BALLAST_TEST_DB), directly or through a helper it imports
 * (seededApp, startMonitorWorld, …), must carry the mark, and a file that does not must not.
 *
 * Node built-ins only: vitest.config.ts imports this before any alias is set up.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

/** The folders vitest collects tests from (vitest.config.ts `everything`). */
export const TEST_ROOTS = ["app", "sim", "scripts", "tests", "bench"];

export const DATABASE_MARKER = /^\/\/ @database\s*$/m;

const TEST_FILE = /\.test\.tsx?$/;
const SOURCE_FILE = /\.(?:tsx?|mjs|js)$/;
const SKIPPED_FOLDERS = new Set(["node_modules", "generated", "build"]);

function walk(folder: string, keep: (file: string) => boolean, found: string[] = []): string[] {
  if (!existsSync(folder)) return found;
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_FOLDERS.has(entry.name)) walk(full, keep, found);
    } else if (keep(entry.name)) found.push(full.split(path.sep).join("/"));
  }
  return found;
}

/** Every test file vitest runs, relative to the project root, sorted. */
export function testFiles(root = process.cwd()): string[] {
  return TEST_ROOTS.flatMap((folder) => walk(path.join(root, folder), (name) => TEST_FILE.test(name)))
    .map((file) => path.relative(root, file).split(path.sep).join("/"))
    .sort();
}

/** The test files marked `// @database`: the PostgreSQL pass. */
export function markedTestFiles(root = process.cwd()): string[] {
  return testFiles(root).filter((file) => DATABASE_MARKER.test(readFileSync(path.join(root, file), "utf8")));
}

// ---- What the check compares the marks with ----------------------------------------

/** The module that creates test databases, and this one (which names what it looks for). */
const NOT_USING = new Set(["tests/support/database.ts", "tests/support/database-marker.ts"]);
/** Using the per-run test database: creating one, or asking which one this run uses. */
const USES_TEST_DATABASE = /\bcreateTestDatabase\s*\(|\btestDatabaseProvider\s*\(|\bBALLAST_TEST_DB\b/;
const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)["']([^"']+)["']/gm;

function resolveImport(fromFile: string, specifier: string, root: string): string | null {
  let base: string;
  if (specifier.startsWith("~/")) base = path.join(root, "app", specifier.slice(2));
  else if (specifier.startsWith(".")) base = path.resolve(path.dirname(path.join(root, fromFile)), specifier);
  else return null; // a package
  for (const candidate of [
    base,
    `${base}.ts`,
    `${base}.tsx`,
    `${base}.mjs`,
    `${base}.js`,
    path.join(base, "index.ts"),
    path.join(base, "index.tsx"),
  ]) {
    if (existsSync(candidate) && statSync(candidate).isFile() && SOURCE_FILE.test(candidate)) {
      return path.relative(root, candidate).split(path.sep).join("/");
    }
  }
  return null;
}

const importsCache = new Map<string, string[]>();
const sources = new Map<string, string>();

function read(file: string, root: string): string {
  let source = sources.get(file);
  if (source === undefined) sources.set(file, (source = readFileSync(path.join(root, file), "utf8")));
  return source;
}

function importsOf(file: string, root: string): string[] {
  let imports = importsCache.get(file);
  if (imports === undefined) {
    imports = [...read(file, root).matchAll(IMPORT)].flatMap((match) => resolveImport(file, match[1]!, root) ?? []);
    importsCache.set(file, imports);
  }
  return imports;
}

/**
 * Whether a file uses the test database itself or through the project's own modules it
 * imports (not packages, not other test files).
 */
export function reachesTestDatabase(file: string, root = process.cwd()): boolean {
  const seen = new Set<string>([file]);
  const pending = [file];
  while (pending.length > 0) {
    const current = pending.pop()!;
    if (NOT_USING.has(current)) continue; // importing database.ts alone (applyMigrations) is not using one
    if (USES_TEST_DATABASE.test(read(current, root))) return true;
    for (const imported of importsOf(current, root)) {
      if (!seen.has(imported) && !TEST_FILE.test(imported)) {
        seen.add(imported);
        pending.push(imported);
      }
    }
  }
  return false;
}
