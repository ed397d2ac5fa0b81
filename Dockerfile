# The nmt command line with its built-in models, as a static binary in a
# distroless image (no shell, no libc; runs as a non-root user).
#
#   docker build -t nmt --build-arg VERSION=$(git describe --always) .
#   docker run --rm -i nmt translate < in.de > out.en
#
# The noopenblas tag leaves out the run-time loading of OpenBLAS, which
# needs the dynamic loader: float32 matrix products use the pure-Go BLAS
# here; int8 decoding on CPUs with AVX-512 VNNI does not use BLAS.
# cmd/nmt/dockerfile_test.go builds the binary with the go build line below.

FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -tags noopenblas -trimpath -ldflags="-s -w -X main.version=${VERSION}" -o /out/nmt ./cmd/nmt

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/nmt /usr/local/bin/nmt
ENTRYPOINT ["/usr/local/bin/nmt"]
