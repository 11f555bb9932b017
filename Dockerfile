# Multi-stage build of the academy server on the official Swift images (Debian bookworm, like
# the machines Scripts/run targets).
FROM swift:6.3-bookworm AS build
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
       libssl-dev zlib1g-dev pkg-config \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Resolve dependencies in their own layer so source edits do not refetch them.
COPY Package.swift ./
RUN swift package resolve
COPY Sources ./Sources
COPY Vendor ./Vendor
COPY Tests ./Tests
RUN swift build -c release --product academy --static-swift-stdlib \
    && mkdir -p /out \
    && cp .build/release/academy /out/ \
    && cp -R .build/release/*.resources /out/

# postgresql-client: pg_dump and pg_restore, for academy backup and restore.
FROM swift:6.3-bookworm-slim
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
       libssl3 zlib1g curl ca-certificates postgresql-client \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --create-home --home-dir /var/lib/academy academy \
    && install -d -o academy -g academy /var/lib/academy/data
COPY --from=build /out/ /usr/local/lib/academy/
RUN ln -s /usr/local/lib/academy/academy /usr/local/bin/academy
USER academy
WORKDIR /var/lib/academy
ENV ACADEMY_HOST=0.0.0.0 \
    ACADEMY_PORT=8080 \
    ACADEMY_DATA_DIR=/var/lib/academy/data
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
    CMD curl -fsS http://127.0.0.1:8080/health/ready || exit 1
# Graceful shutdown on SIGTERM: in-flight requests finish, then exit 0.
STOPSIGNAL SIGTERM
ENTRYPOINT ["academy"]
CMD ["serve"]
