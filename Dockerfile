# syntax=docker/dockerfile:1
# Stage 1: the web client's npm dependencies and bundle (when web/package.json exists).
FROM node:20-bookworm-slim AS web
WORKDIR /src/web
COPY web/ ./
RUN if [ -f package.json ]; then npm ci --no-audit --no-fund && npm run build; fi

# Stage 2: the Go binary, with the built web assets embedded.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
COPY --from=web /src/web/static/ web/static/
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o /out/zadankai ./cmd/zadankai

# Stage 3: a small runtime image, non-root, data on a volume.
FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates tzdata \
	&& rm -rf /var/lib/apt/lists/* \
	&& useradd --system --uid 10001 --home-dir /data zadankai \
	&& mkdir -p /data && chown zadankai /data
COPY --from=build /out/zadankai /usr/local/bin/zadankai
COPY configs/zadankai.yaml /etc/zadankai/zadankai.yaml
USER zadankai
WORKDIR /data
VOLUME /data
# serve and `operator add` both find the database on the volume. Give
# ZADANKAI_KEYS and ZADANKAI_SERVER_PUBLIC_URL (https://… where people
# reach the server) at run time: serve refuses to start without them.
ENV ZADANKAI_STORAGE_DATA_DIR=/data
# HTTP + WebSocket, ICE over TCP, ICE/media over UDP.
EXPOSE 7880/tcp 7881/tcp 7882/udp
ENTRYPOINT ["zadankai"]
CMD ["serve", "--config", "/etc/zadankai/zadankai.yaml", "--bind", "0.0.0.0", "--data-dir", "/data"]
