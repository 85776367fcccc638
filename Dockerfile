# syntax=docker/dockerfile:1
# One image, the igny8 binary; the role is the command (see docker-compose.yml).

FROM golang:1.26-bookworm AS build
WORKDIR /src
ENV GOTOOLCHAIN=local CGO_ENABLED=0
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/root/go/pkg/mod go mod download
COPY . .
ARG VERSION=dev
RUN --mount=type=cache,target=/root/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/igny8 ./cmd/igny8

# MinIO at the version DESIGN.md pins, built from source (docker-compose.yml
# uses this stage: docker build --target minio).
FROM golang:1.26-bookworm AS minio-build
ENV GOTOOLCHAIN=local CGO_ENABLED=0
RUN --mount=type=cache,target=/root/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    go install github.com/minio/minio@v0.0.0-20260212201848-7aac2a2c5b7c

FROM gcr.io/distroless/static-debian12:nonroot AS minio
COPY --from=minio-build /go/bin/minio /usr/local/bin/minio
EXPOSE 9000
ENTRYPOINT ["minio"]

# The default target, last: the igny8 binary.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/igny8 /usr/local/bin/igny8
COPY --from=build /src/blueprints/examples /examples
USER nonroot
# api 8080, edge 8081 (+ admin 9091), preview 1313
EXPOSE 8080 8081 9091 1313
ENTRYPOINT ["igny8"]
CMD ["help"]
