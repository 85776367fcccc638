# IGNY8 Sites. `make help` lists the targets.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

GO        ?= go
BIN       := $(CURDIR)/bin
IGNY8     := $(BIN)/igny8
HUGO_VERSION        := v0.165.0
STATICCHECK_VERSION := v0.8.2
export GOTOOLCHAIN := local

.PHONY: help
help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z0-9_.-]+:.*## / {printf "  \033[36m%-16s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

# data/ holds the local services' files (MinIO's objects, Postgres, Redis):
# a module of its own, so that go ./... never walks it (a bench leaves
# millions of files there, which MinIO may be deleting meanwhile).
data/go.mod:
	@mkdir -p data
	@printf 'module igny8.local/data\n\n// Local service data: a module of its own, so that go ./... never walks it.\n' > $@

.PHONY: build
build: data/go.mod ## build bin/igny8
	@mkdir -p $(BIN)
	$(GO) build -trimpath -o $(IGNY8) ./cmd/igny8

.PHONY: run
run: build ## igny8 dev: private Postgres + Redis, worker, scheduler, edge, API; deploys the examples (prints URLs and a token)
	@scripts/run.sh $(IGNY8)

.PHONY: test
test: data/go.mod ## run every test (-race), the way CI does; starts Postgres, MinIO, Redis and WordPress if they are not running
	$(GO) vet ./...
	s3env=$$(scripts/minio.sh) && redisenv=$$(scripts/redis.sh) && pgenv=$$(scripts/postgres.sh) && \
		wpenv=$$(scripts/wordpress.sh) && \
		eval "$$s3env" && eval "$$redisenv" && eval "$$pgenv" && eval "$$wpenv" && \
		$(GO) test -race -count=1 ./...

.PHONY: test-short
test-short: data/go.mod ## run the fast tests only (skips Hugo builds)
	$(GO) test -short -count=1 ./...

.PHONY: lint
lint: data/go.mod $(BIN)/staticcheck ## gofmt, go vet and staticcheck
	@test -z "$$(gofmt -l . | tee /dev/stderr)" || { echo "gofmt: the files above need formatting"; exit 1; }
	$(GO) vet ./...
	$(BIN)/staticcheck ./...

$(BIN)/staticcheck:
	GOBIN=$(BIN) $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)

.PHONY: fuzz
fuzz: ## fuzz the parsers (blueprints, keyword CSV, the SEO analyzer, URLs, ciphertexts, platforms' markup, Shopify webhooks and throttle answers), FUZZTIME each (default 60s)
	$(GO) test ./blueprints/ -run '^$$' -fuzz FuzzLoad -fuzztime $${FUZZTIME:-60s}
	$(GO) test ./planner/ -run '^$$' -fuzz FuzzParseCSV -fuzztime $${FUZZTIME:-60s} -fuzzminimizetime 10s
	$(GO) test ./optimizer/ -run '^$$' -fuzz FuzzAnalyze -fuzztime $${FUZZTIME:-60s}
	$(GO) test ./safehttp/ -run '^$$' -fuzz FuzzCheckURL -fuzztime $${FUZZTIME:-60s}
	$(GO) test ./secrets/ -run '^$$' -fuzz FuzzOpen -fuzztime $${FUZZTIME:-60s}
	$(GO) test ./publishing/markup/ -run '^$$' -fuzz FuzzBlocks -fuzztime $${FUZZTIME:-60s}
	$(GO) test ./publishing/shopify/ -run '^$$' -fuzz FuzzVerifyWebhook -fuzztime $${FUZZTIME:-60s}
	$(GO) test ./publishing/shopify/ -run '^$$' -fuzz FuzzThrottleWait -fuzztime $${FUZZTIME:-60s}

.PHONY: golden
golden: ## rewrite the builder's golden files after an intended theme change
	$(GO) test ./builder/ -run TestGolden -update

$(BIN)/hugo:
	@mkdir -p $(BIN)
	@echo "installing the hugo CLI $(HUGO_VERSION) from the Go module proxy (the first build takes minutes)"
	GOBIN=$(BIN) $(GO) install github.com/gohugoio/hugo@$(HUGO_VERSION)

.PHONY: bench-build
bench-build: build $(BIN)/hugo ## builder vs the hugo CLI on a 1,000-page site; writes docs/benchmarks.md
	@scripts/bench-build.sh $(IGNY8) $(BIN)/hugo

.PHONY: bench-preview
bench-preview: ## time from saving a blueprint to the preview's reload event; writes docs/benchmarks.md
	$(GO) test -run '^$$' -bench PreviewReload -benchtime 20x ./cmd/igny8 | $(GO) run ./internal/cmd/benchdoc \
		-section preview -title "Preview: save to reload" -command "make bench-preview" \
		-about "From writing the blog example's blueprint.json (44 pages) to the reload event reaching the browser: the 100 ms debounce, reading and validating the blueprint, and the build. The promise is under a second."

.PHONY: bench-deploy
bench-deploy: ## deployer vs a naive uploader on MinIO, 10,000 files, and rollback with 1,000 deploys; writes docs/benchmarks.md
	@scripts/bench-deploy.sh

.PHONY: bench-zstd
bench-zstd: ## zstd vs the stored brotli and gzip variants on the 10,000-file site (size, CPU); writes docs/benchmarks.md
	$(GO) test -run '^$$' -bench Compress -benchtime 3x ./internal/cmd/benchdeploy | $(GO) run ./internal/cmd/benchdoc \
		-section zstd -title "Precompression: is a zstd variant worth it?" -command "make bench-zstd" \
		-about "Each file of make bench-deploy's 10,000-file site (28 MB of HTML, CSS, JS and SVG, 2.8 kB a file on average), compressed one after another on one core, as the deployer makes variants: brotli at deployer.BrotliQuality (5) and gzip at level 6, which the deployer stores, and zstd (klauspost/compress) at each of its four levels. ns/op is the whole site; %-of-br is the output against brotli 5's; files-smaller-than-br counts the files on which the codec beats brotli. Sizes are deterministic; times on these shared machines are noise beyond their ratios. **Decision: no zstd variant.** Every browser that accepts zstd also accepts br, so a zstd variant would be sent instead of the brotli one, and at every level it is larger: 109–122% of brotli 5's bytes, about gzip's size at zstd's default level, and larger on every one of the 10,000 files; brotli's built-in dictionary of web text wins on small pages. zstd's strength is speed (its default level ran several times faster than the pure-Go brotli 5 here), which matters when compressing per request; the edge never does, variants are made once per blob at deploy. A third variant would cost storage, deploy time and room in the edge's blob cache, to send more bytes. Revisit if pages grow much larger or browsers ship zstd dictionaries for the web."

.PHONY: bench-edge
bench-edge: build ## the edge vs nginx (Debian), one core each, wrk on the other; writes docs/benchmarks.md
	@scripts/bench-edge.sh $(IGNY8)

.PHONY: bench-credits
bench-credits: ## credit reserve+capture: the ledger vs a naive SELECT … FOR UPDATE, one hot account and 1,000; writes docs/benchmarks.md
	pgenv=$$(scripts/postgres.sh) && eval "$$pgenv" && $(GO) run ./internal/cmd/benchcredits

.PHONY: bench-cluster
bench-cluster: ## keyword clustering: ARI on the labelled set, 10,000 keywords, and the naive O(n³) algorithm on 1,000; writes docs/benchmarks.md
	{ $(GO) test -run '^$$' -bench LabelledARI -benchtime 1x ./planner && \
		$(GO) test -run '^$$' -bench 'Group10k|GroupVsNaive1k' -benchtime 3x ./planner; } | $(GO) run ./internal/cmd/benchdoc \
		-section cluster -title "Keyword clustering: planner.Group" -command "make bench-cluster" \
		-about "LabelledARI: the adjusted Rand index (ARI; 1 is a perfect match, 0 chance) of planner.Group's groups against the 17 topics of planner/testdata/labelled_keywords.csv (306 hand-written search queries), for thresholds around the default (0.06) at the default floor (0.10). Group10k: 10,000 distinct keywords made deterministically from the labelled ones with search modifiers (best, near me, for beginners…), grouped with the defaults on every core; its ARI is against the topics they were made from. GroupVsNaive1k: 1,000 such keywords grouped by Group and by the textbook average linkage (every pair compared into a full matrix, then every pair scanned for each merge: O(n³)), both in every iteration of the same run and checked to give the same groups; naive/group is the ratio of their times. Absolute times on this shared machine are noise; the ratio is the result."

.PHONY: bench-seo
bench-seo: data/go.mod ## SEO on 1,000 generated articles: linker.LinkSite on the whole site, and optimizer.Analyze vs the yoastseo npm package (npm-installed into data/bench-seo); writes docs/benchmarks.md
	@scripts/bench-seo.sh

.PHONY: screenshots
screenshots: build ## render each example's home page in both themes with headless Chromium
	@scripts/screenshots.sh $(IGNY8)

.PHONY: docker
docker: ## build the container image
	docker build -t igny8:dev .

.PHONY: services-stop
services-stop: ## stop the MinIO, Redis, Postgres and WordPress servers that make test started
	scripts/minio.sh stop
	scripts/redis.sh stop
	scripts/postgres.sh stop
	scripts/wordpress.sh stop

.PHONY: clean
clean: ## remove build output and local data
	rm -rf $(BIN) data
