# syntax=docker/dockerfile:1

# --- deps: every dependency, for the build -----------------------------------
FROM node:20-bookworm-slim AS deps
WORKDIR /app
# The CPU build of onnxruntime-node ships in the npm package; skip the CUDA fetch.
ENV ONNXRUNTIME_NODE_INSTALL=skip
# A C compiler for the pixel kernels' addon (native/), built by npm run build
# against the image's own Node headers, so node-gyp downloads nothing.
ENV npm_config_nodedir=/usr/local
# libjpeg-turbo's and libpng's headers for the addon's decoder (native/decode.c).
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ \
        libjpeg62-turbo-dev libpng-dev \
    && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json .npmrc ./
RUN npm ci

# --- build: compile, then keep production dependencies only -------------------
FROM deps AS build
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY src ./src
COPY client ./client
COPY native ./native
RUN npm run build && npm prune --omit=dev

# --- runtime: compiled app, no compilers, non-root ----------------------------
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    PORT=3000 \
    MODELS_DIR=/models \
    RESULTS_DIR=/tmp/depthserve-results
WORKDIR /app
# The shared libraries the addon's decoder links against.
RUN apt-get update && apt-get install -y --no-install-recommends libjpeg62-turbo libpng16-16 \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
# dist/ holds the compiled server and the built web client (dist/client).
COPY --from=build /app/dist ./dist
# The compiled pixel kernels, where dist/ looks for them (../native from dist/).
COPY --from=build /app/native/build/Release/depthserve_kernels.node ./native/build/Release/
# /models holds the weights: mount a volume with the .onnx file, or let the
# service download and verify it there on first start.
RUN mkdir -p /models && chown node:node /models
USER node
VOLUME ["/models"]
EXPOSE 3000
# Readiness, not just liveness: unhealthy until the model is loaded and warm.
HEALTHCHECK --interval=15s --timeout=3s --start-period=180s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# The same Node flags as `npm run start:prod` (package.json "config.node_flags"): a floor
# under V8's old-generation limit, without which the main thread runs a full garbage
# collection about every 15 jobs under load (README, BENCHMARKS.md).
CMD ["node", "--initial-old-space-size=128", "dist/main.js"]
