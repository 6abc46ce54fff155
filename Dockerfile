# telegram-sync as a container: watch mode by default, any script by name
# (`docker run … telegram-sync sync --check`, `… test-sync --no-sync`, `… sync` for one run).
#
#   docker build -t telegram-sync .
#
# BASE is any image with Node 20 and npm in /usr/local/bin or /usr/bin (the official slim image by
# default; the tests build from one imported locally, as no registry is reachable there). The
# build stage installs the production dependencies and bundles the scripts once (esbuild); the
# runtime stage holds the bundle only: no node_modules, no sources, no npm needed at run time.
ARG BASE=node:20-bookworm-slim

FROM ${BASE} AS build
WORKDIR /src
# An npm cache to install from without the network (empty unless docker/npm-cache/ is filled, as
# the tests do; NPM_OFFLINE=true then forbids the network).
ARG NPM_OFFLINE=false
ENV npm_config_offline=${NPM_OFFLINE} npm_config_cache=/src/docker/npm-cache npm_config_update_notifier=false
COPY docker/npm-cache/ /src/docker/npm-cache/
COPY package.json package-lock.json ./
RUN ["npm", "ci", "--omit=dev", "--ignore-scripts", "--no-audit", "--no-fund"]
COPY lib/ lib/
COPY scripts/ scripts/
RUN ["node", "scripts/launch.mjs", "--build"]

FROM ${BASE}
WORKDIR /app
COPY --from=build /src/package.json /app/package.json
COPY --from=build /src/scripts/launch.mjs /app/scripts/launch.mjs
COPY --from=build /src/dist/ /app/dist/
COPY docker/healthcheck.mjs docker/healthz-url.mjs docker/prepare-state.mjs /app/docker/
# The state (hash cache, lock, owed processing, logs, run records) in one volume, owned by the
# unprivileged user the sync runs as.
RUN ["node", "/app/docker/prepare-state.mjs"]
ENV SYNC_CACHE_FILE=/state/file_hashes.json \
    SYNC_LOCK_FILE=/state/sync.lock \
    SYNC_LOG_DIR=/state/logs \
    SYNC_DOWNLOAD_DIRS=/downloads \
    SYNC_METRICS_LISTEN=0.0.0.0:9464
VOLUME ["/state"]
USER 10001:10001
EXPOSE 9464
# /healthz: 200 while the last batch succeeded, 503 after a failed one (the S3 server down, say).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=2 \
  CMD ["node", "/app/docker/healthcheck.mjs"]
# SIGTERM (docker stop) stops the watch gracefully within SYNC_STOP_TIMEOUT_SECONDS (default 30):
# give `docker stop -t` / compose's stop_grace_period a little more.
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "/app/scripts/launch.mjs"]
CMD ["sync", "--watch"]
