# syntax=docker/dockerfile:1.7
# Maestro Conductor (mc). Build: docker build -t mc .   Run: see README.md ("Running in a container").

# 1. Dependencies and checks with the full toolchain.
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json biome.json ./
COPY bin ./bin
COPY src ./src
COPY commands ./commands
COPY playbooks ./playbooks
COPY signing ./signing
COPY catalog.yml manifest.yml ./
# Fail the build on type errors or invalid command/catalog/playbook files.
RUN npx tsc --noEmit && node bin/mc.js validate

# 2. Production dependencies only.
FROM node:22-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# 3. Runtime: non-root, no build tools, no dev dependencies.
FROM node:22-bookworm-slim AS runtime
ENV NODE_ENV=production \
    PORT=3000 \
    MC_DATA_DIR=/var/lib/mc \
    MC_CONFIG_DIR=/app
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/package.json ./
COPY --from=build /app/bin ./bin
COPY --from=build /app/src ./src
COPY --from=build /app/commands ./commands
COPY --from=build /app/playbooks ./playbooks
COPY --from=build /app/signing ./signing
COPY --from=build /app/catalog.yml /app/manifest.yml ./
RUN mkdir -p /var/lib/mc && chown -R node:node /var/lib/mc && ln -s /app/bin/mc.js /usr/local/bin/mc
USER node
VOLUME ["/var/lib/mc"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "--import", "tsx", "src/main.ts"]
