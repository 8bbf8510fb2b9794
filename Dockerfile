# The llmload image: the package installed from its npm pack tarball, run as a
# non-root user, with `llmload` as the entrypoint. Read-only root filesystem
# friendly: llmload writes only to /tmp (its script bundles) and to the report
# folder, both mounted as volumes by `llmload k8s manifest` and the chart.
#
#   docker build -t llmload:dev .
#   docker run --rm llmload:dev run examples/quickstart.ts --time-scale 10

# Build: compile and pack, exactly what `npm publish` would ship.
FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY . .
RUN npm run build && npm pack --ignore-scripts --pack-destination /pack && mv /pack/llmload-*.tgz /pack/llmload.tgz

# Runtime: the tarball and its production dependencies only.
FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    HOME=/tmp \
    NO_UPDATE_NOTIFIER=1
WORKDIR /opt/llmload
COPY --from=build /pack/llmload.tgz /tmp/llmload.tgz
RUN npm install --global --omit=dev --no-audit --no-fund /tmp/llmload.tgz \
 && rm -rf /tmp/llmload.tgz /root/.npm \
 && cp -r "$(npm root --global)/llmload/examples" /opt/llmload/examples
# The node image's unprivileged user (uid/gid 1000), which the Kubernetes pod spec also names.
USER 1000:1000
WORKDIR /tmp
ENTRYPOINT ["llmload"]
CMD ["--help"]
