/**
 * The dependency graph, enforced (`npm run lint`). app/ is layered: a module imports from
 * its own folder or from a lower layer, never from a higher one or a peer. README's "Map"
 * draws the same picture. Tests may import anything (a test exercises the stack it needs).
 */
const LAYERS = [
  // [rank, name, path pattern]
  [0, "domain", "^app/domain/"],
  // The rehearsal's core (scenarios, channel model, strategies, accounting): pure, on the domain only.
  [1, "rehearsal", "^app/rehearsal/"],
  [2, "base", "^app/(env|logger|db)\\.server\\.ts$|^app/(db|i18n|locales|generated|security)/"],
  [3, "records", "^app/records/"],
  [4, "shopify", "^app/shopify/"],
  [5, "channels", "^app/channels/"],
  [6, "ingest", "^app/ingest/"],
  [6, "rules", "^app/rules/"],
  [7, "sync", "^app/sync/"],
  [7, "monitor", "^app/monitor/"],
  [8, "worker", "^app/worker/"],
  [9, "web", "^app/web/|^app/shopify\\.server\\.ts$|^app/entry\\.server\\.tsx$"],
  [10, "components", "^app/components/"],
  [11, "routes", "^app/routes/|^app/root\\.tsx$"],
];

const TESTS = "\\.test\\.tsx?$|/testing/";

const layerRules = LAYERS.flatMap(([rank, name, path]) => {
  const above = LAYERS.filter(([other, otherName]) => other > rank || (other === rank && otherName !== name)).map(
    ([, , otherPath]) => `(${otherPath})`,
  );
  if (above.length === 0) return [];
  return {
    name: `layer-${name}`,
    comment: `app/${name} may import only its own folder and lower layers (see README, Map).`,
    severity: "error",
    from: { path, pathNot: TESTS },
    to: { path: above.join("|") },
  };
});

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: "app-stands-alone",
      comment: "The app ships alone: it never imports the simulator, tests, benchmarks or scripts.",
      severity: "error",
      from: { path: "^app/", pathNot: TESTS },
      to: { path: "^(sim|tests|bench|scripts)/" },
    },
    {
      name: "sim-below-tests",
      comment: "The simulator (fakes, rehearsal) is used by tests and benchmarks, never the other way round.",
      severity: "error",
      from: { path: "^sim/", pathNot: TESTS },
      to: { path: "^(tests|bench|scripts)/" },
    },
    {
      name: "no-circular",
      comment: "Modules that import each other (through any path) cannot be read or tested apart.",
      severity: "error",
      from: { pathNot: TESTS },
      to: { circular: true, viaOnly: { pathNot: TESTS } },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(node_modules|build|app/generated)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { extensions: [".ts", ".tsx", ".js", ".mjs", ".json"] },
  },
};
