# syntax=docker/dockerfile:1
# The Latchkey broker (`latchkey-broker`) as a container image. From the repository root:
#
#   docker build -t latchkey-broker .
#   docker run -p 8787:8787 -v latchkey-data:/data \
#     -e LATCHKEY_PUBLIC_URL=https://auth.example.com \
#     -e LATCHKEY_ALLOWED_ORIGINS=https://app.example.com \
#     -e LATCHKEY_SECRET="$(openssl rand -base64 32)" \
#     -e SMTP_URL=smtps://user:pass@smtp.example.com \
#     latchkey-broker
#
# Without DATABASE_URL the broker keeps the embedded database (PGlite) in the /data volume:
# one container owns it. Set DATABASE_URL to run several containers on PostgreSQL. Every
# setting is an environment variable: see docs/environment.md. Dev mode (LATCHKEY_DEV)
# listens on the container's loopback only, so it is not for this image.

ARG NODE_IMAGE=node:20-bookworm-slim

# 1. Build with the workspace's pnpm and lockfile: the broker and the packages it depends
#    on, packed as they are published (pnpm pack applies publishConfig: dist, not src).
FROM ${NODE_IMAGE} AS build
RUN npm install --global pnpm@10.34.8
WORKDIR /src
# The store first, from the lockfile alone, so a source change does not download it again.
COPY pnpm-lock.yaml pnpm-workspace.yaml ./
RUN pnpm fetch
COPY . .
RUN pnpm install --frozen-lockfile --offline
RUN pnpm --filter "@latchkey/broker..." build
RUN mkdir /packs \
 && (cd packages/client && pnpm pack --pack-destination /packs) \
 && (cd packages/broker && pnpm pack --pack-destination /packs) \
 && mv /packs/latchkey-client-*.tgz /packs/client.tgz \
 && mv /packs/latchkey-broker-*.tgz /packs/broker.tgz

# 2. Install the tarballs as an npm user would (production dependencies only, the native
#    argon2 binding for this platform), on the same base image as the runtime.
FROM ${NODE_IMAGE} AS install
WORKDIR /app
COPY --from=build /packs /packs
RUN printf '%s' '{"name":"latchkey-broker-image","private":true,"type":"module",' \
      '"dependencies":{"@latchkey/broker":"file:/packs/broker.tgz","@latchkey/client":"file:/packs/client.tgz"},' \
      '"overrides":{"@latchkey/client":"file:/packs/client.tgz"}}' > package.json \
 && npm install --omit=dev --no-audit --no-fund

# 3. Run: no pnpm, no sources, no build tools; a non-root user.
FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    BROKER_PORT=8787 \
    LATCHKEY_DATA_DIR=/data
WORKDIR /app
COPY --from=install /app/package.json ./
COPY --from=install /app/node_modules ./node_modules
# The volume's mount point belongs to the unprivileged `node` user of the base image.
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8787
# Alive, not ready: /ready also asks the database (see docs/environment.md, Operations).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.BROKER_PORT || 8787) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM: /ready answers 503 (for LATCHKEY_DRAIN_SECONDS), requests in flight finish, mail leaves, exit 0.
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "/app/node_modules/@latchkey/broker/dist/cli/main.js"]
CMD ["serve"]
