# syntax=docker/dockerfile:1.7
# Maestro Conductor (mc). Build: docker build -t mc .   Run: see README.md ("Running in a container").

# The base is node:22 (LTS) on Debian bookworm-slim, pinned by digest so a rebuild gets the same
# bytes. The digest is the one several public projects pin for node:22-bookworm-slim (one of them
# kept current by Dependabot); it was not pulled when it was written here. Before a release, check
# it and move it forward with: docker buildx imagetools inspect node:22-bookworm-slim
# Debian's util-linux (essential, so always in the image) provides flock(1) for the data-dir lock.
ARG NODE_IMAGE=node:22-bookworm-slim@sha256:43ac6c60b8f89723f746e8a92ce91abd5017e627ce1ddfe4238355d3a30b772c

# 1. Dependencies and checks with the full toolchain.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json biome.json ./
COPY scripts/build.mjs ./scripts/
COPY bin ./bin
COPY src ./src
COPY commands ./commands
COPY playbooks ./playbooks
COPY signing ./signing
COPY catalog.yml manifest.yml ./
# Fail the build on type errors or invalid command/catalog/playbook files. The image runs the
# compiled JavaScript (no TypeScript transform at run time) and holds no sandbox emulators.
RUN npx tsc --noEmit && npm run build && rm -rf dist/sandbox dist/cli/sandbox.js \
  && node bin/mc.js validate

# 2. Production dependencies only.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# 3. Runtime: non-root, no build tools, no dev dependencies.
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    PORT=3000 \
    MC_DATA_DIR=/var/lib/mc \
    MC_CONFIG_DIR=/app
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/package.json ./
COPY --from=build /app/bin ./bin
COPY --from=build /app/dist ./dist
COPY --from=build /app/commands ./commands
COPY --from=build /app/playbooks ./playbooks
COPY --from=build /app/signing ./signing
COPY --from=build /app/catalog.yml /app/manifest.yml ./
# The DORA scorecard chart is rendered server-side (resvg): it needs a font for its labels.
RUN apt-get update && apt-get install -y --no-install-recommends fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
RUN mkdir -p /var/lib/mc && chown -R node:node /var/lib/mc && chmod 700 /var/lib/mc && ln -s /app/bin/mc.js /usr/local/bin/mc
USER node
VOLUME ["/var/lib/mc"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "dist/main.js"]
