# Builds and runs `sirius serve`. The image listens on all interfaces, so it
# needs a password: docker run -e SIRIUS_PASSWORD=… -p 5433:5433 -p 9000:9000 sirius
FROM node:20-bookworm-slim AS build
# node-gyp builds native/ (and better-sqlite3 when no prebuilt binary fits)
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY native ./native
# npm ci runs `prepare`: the native helper and the TypeScript build
RUN npm ci && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production \
    SIRIUS_DATA_DIR=/data \
    SIRIUS_PG_HOST=0.0.0.0 \
    SIRIUS_HTTP_HOST=0.0.0.0
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/native/build/Release/duckdb_sync.node ./native/build/Release/duckdb_sync.node
RUN mkdir -p /data && chown node:node /data
VOLUME /data
EXPOSE 5433 9000
USER node
ENTRYPOINT ["node", "dist/cli/main.js"]
CMD ["serve"]
