# Ballast's production image: one image, two commands (docs/deploy.md).
#   web:    node server.mjs                  (the default command; port 3000)
#   worker: node build/worker/worker.js      (with WORKER_MODE=external on the web processes)
#   deploy: npx prisma migrate deploy        (once per release, before the new processes start)
# Node 22, production dependencies only in the final image, the worker compiled to JavaScript
# (no tsx). tests/e2e/production-image.test.ts assembles this image's layout without Docker
# (the context through .dockerignore, the final stage's COPY lines) and runs it end to end.

ARG NODE_IMAGE=node:22-bookworm-slim

FROM ${NODE_IMAGE} AS base
WORKDIR /app
# The Prisma CLI (migrate deploy) neither phones home nor offers updates.
ENV CHECKPOINT_DISABLE=1 PRISMA_HIDE_UPDATE_MESSAGE=1

# better-sqlite3 compiles from source when its prebuilt binary cannot be downloaded.
FROM base AS toolchain
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*

# Install scripts are skipped (--ignore-scripts): @prisma/engines would download engines that
# Ballast does not use (it runs Prisma's JavaScript engines), and every npm version behaves
# alike. better-sqlite3's native binding is the one script Ballast needs: `npm rebuild` runs it.
FROM toolchain AS build
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts && npm rebuild better-sqlite3
COPY . .
# The Prisma clients (app/generated), then the web app (build/server, build/client) and the
# worker (build/worker): `npm run build`.
RUN node scripts/setup.mjs --generate-only && npm run build

# @shopify/shopify-app-session-storage-prisma loads @prisma/client, whose entry needs the
# placeholder node_modules/.prisma/client that @prisma/client's own install script writes (it
# then finds no schema here and says so: expected, Ballast's clients are generated in the
# build stage and bundled into build/).
FROM toolchain AS production-dependencies
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts \
  && npm rebuild better-sqlite3 \
  && node node_modules/@prisma/client/scripts/postinstall.js \
  && npm cache clean --force

FROM base AS runtime
ENV NODE_ENV=production PORT=3000
COPY --from=production-dependencies /app/node_modules ./node_modules
COPY --from=build /app/build ./build
COPY package.json server.mjs prisma.config.ts ./
# Schemas and migrations: `prisma migrate deploy` at deploy, and /readyz compares them with the database.
COPY prisma ./prisma
COPY public ./public
# For SQLite on one machine: mount a volume here, DATABASE_URL=file:/data/ballast.sqlite.
RUN mkdir /data && chown node:node /data
USER node
EXPOSE 3000
# The web process's liveness; a worker container (WORKER_HEALTH_PORT set) is asked on its own port.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.WORKER_HEALTH_PORT||process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "server.mjs"]
