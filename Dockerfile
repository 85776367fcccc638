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

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/igny8 /usr/local/bin/igny8
COPY --from=build /src/blueprints/examples /examples
USER nonroot
EXPOSE 1313
ENTRYPOINT ["igny8"]
CMD ["help"]
