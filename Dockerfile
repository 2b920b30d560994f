# syntax=docker/dockerfile:1
# Musubi: one image for every app copy. docs/deployment.md walks through it.
#   docker build -t musubi .
#   docker run -p 3000:3000 -v musubi-data:/data musubi            # embedded database in /data
#   docker run -p 3000:3000 -e DATABASE_URL=postgres://… musubi    # a Postgres server
# The Node line is the one CI runs on (package.json engines); override with --build-arg NODE_VERSION=22.
ARG NODE_VERSION=20.20

# 1. Build the web app (needs the dev dependencies: Vite, TypeScript, React's build plugins) and the server
#    compiled ahead (server/scripts/build.mjs: one bundle, built where it runs — /app/server — since it
#    records where its source files are).
FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY server/package.json server/
COPY web/package.json web/
COPY bench/package.json bench/
RUN npm ci --no-audit --no-fund
COPY tsconfig.base.json ./
COPY web web
RUN npm run build --workspace web
COPY server/scripts server/scripts
COPY server/src server/src
RUN npm run build --workspace server

# 2. The server's production dependencies only (tsx stays: the command-line tools run their TypeScript through it).
FROM node:${NODE_VERSION}-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY server/package.json server/
COPY web/package.json web/
COPY bench/package.json bench/
RUN npm ci --omit=dev --workspace server --no-audit --no-fund && npm cache clean --force

# 3. Runtime: no compilers, no dev dependencies, not root.
FROM node:${NODE_VERSION}-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data \
    MUSUBI_DEMO=0
WORKDIR /app
COPY --from=deps /app/node_modules node_modules
COPY package.json tsconfig.base.json ./
COPY server/package.json server/tsconfig.json server/
COPY server/drizzle server/drizzle
COPY server/src server/src
COPY --from=build /app/server/dist server/dist
COPY --from=build /app/web/dist web/dist
# The embedded database (and its generated secret) lives in DATA_DIR; a Postgres deployment leaves it empty.
RUN mkdir -p /data && chown node:node /data
VOLUME /data
USER node
WORKDIR /app/server
EXPOSE 3000
# /readyz: the database answers, migrations are done, and the copy is not shutting down.
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# node itself is PID 1's child of nothing: no npm in between, so SIGTERM reaches the server's graceful shutdown.
CMD ["node", "--enable-source-maps", "dist/main.mjs"]
