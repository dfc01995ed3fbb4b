import { defineConfig } from "vite";
import tsconfigPaths from "vite-tsconfig-paths";

/**
 * The production build of the processes that run beside the web server (`npm run build`
 * runs it after the Remix build): build/worker/worker.js (`npm run worker`) and
 * build/worker/rotate-keys.js (`npm run rotate-keys`), plain JavaScript for Node, no tsx.
 * The app's sources and the generated Prisma clients (app/generated) are bundled; packages
 * stay imports from node_modules, as in the server build, so Prisma's query compilers and
 * their Wasm are loaded from @prisma/client at run time.
 */
export default defineConfig({
  plugins: [tsconfigPaths()],
  logLevel: "warn",
  publicDir: false,
  build: {
    ssr: true,
    outDir: "build/worker",
    emptyOutDir: true,
    target: "node20",
    rollupOptions: {
      input: { worker: "app/worker/worker-main.ts", "rotate-keys": "scripts/rotate-keys.ts" },
      output: { format: "esm", entryFileNames: "[name].js", chunkFileNames: "chunks/[name]-[hash].js" },
    },
  },
});
