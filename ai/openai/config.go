package openai

import (
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Flavors: the OpenAI-compatible APIs the provider knows the differences
// of.
const (
	// FlavorOpenAI is OpenAI's own API (the default).
	FlavorOpenAI = "openai"
	// FlavorAzure is Azure OpenAI: deployment URLs
	// {endpoint}/openai/deployments/{deployment}/… with an api-version
	// query and the api-key header. The models are deployment names.
	FlavorAzure = "azure"
	// FlavorOpenRouter is OpenRouter: models are named vendor/model, and
	// requests carry the app's attribution headers.
	FlavorOpenRouter = "openrouter"
	// FlavorOllama is Ollama's OpenAI-compatible API; no key needed.
	FlavorOllama = "ollama"
	// FlavorVLLM is vLLM's OpenAI-compatible server; no key needed unless
	// it was started with --api-key.
	FlavorVLLM = "vllm"
	// FlavorLMStudio is LM Studio's local server; no key needed. It
	// supports JSON Schema outputs only (no JSON object mode).
	FlavorLMStudio = "lmstudio"
)

// Flavors lists every flavor.
var Flavors = []string{FlavorOpenAI, FlavorAzure, FlavorOpenRouter, FlavorOllama, FlavorVLLM, FlavorLMStudio}

// JSON modes: how chat answers are held to the prompt's schema.
const (
	// JSONSchema sends the schema as response_format json_schema, strict:
	// the provider enforces it (the default).
	JSONSchema = "schema"
	// JSONObject asks for response_format json_object and puts the schema
	// in the system message, for models or servers without JSON Schema
	// support (some Ollama and OpenRouter models). The answer is still
	// validated, with one repair round, by ai.Client.
	JSONObject = "object"
)

// DefaultAzureAPIVersion is the Azure OpenAI data-plane API version used
// when none is set: the first GA version with structured outputs.
const DefaultAzureAPIVersion = "2024-10-21"

// defaultBaseURLs are each flavor's usual address; Azure has none, as
// every resource has its own.
var defaultBaseURLs = map[string]string{
	FlavorOpenAI:     "https://api.openai.com/v1",
	FlavorOpenRouter: "https://openrouter.ai/api/v1",
	FlavorOllama:     "http://localhost:11434/v1",
	FlavorVLLM:       "http://localhost:8000/v1",
	FlavorLMStudio:   "http://localhost:1234/v1",
}

// Config configures a Provider. The zero value with an APIKey and a
// ChatModel talks to OpenAI.
type Config struct {
	// Flavor is the API's dialect: one of Flavors; "" is FlavorOpenAI.
	Flavor string
	// BaseURL is the API's address up to and including /v1 (for Azure:
	// the resource endpoint, https://NAME.openai.azure.com). "" is the
	// flavor's usual address.
	BaseURL string
	// APIKey authenticates; Ollama, vLLM and LM Studio need none.
	APIKey string
	// ChatModel is the chat model (for Azure, its deployment's name).
	ChatModel string
	// EmbeddingModel is the embedding model; "" means no embeddings
	// (Embed returns an error wrapping ai.ErrUnsupported).
	EmbeddingModel string
	// ImageModel is the image model; "" means no images.
	ImageModel string
	// AzureAPIVersion is the api-version query of Azure requests;
	// "" is DefaultAzureAPIVersion.
	AzureAPIVersion string
	// JSONMode is JSONSchema (the default) or JSONObject.
	JSONMode string
	// Timeout bounds each request; 0 is 2 minutes, 5 for the local
	// flavors (Ollama, vLLM, LM Studio), which are often slower.
	Timeout time.Duration
	// HTTPClient sends the requests; nil is a client of its own.
	HTTPClient *http.Client
	// AppURL and AppName attribute OpenRouter requests to the app
	// (HTTP-Referer and X-Title headers); AppName defaults to "IGNY8 Sites".
	AppURL  string
	AppName string
}

// WithDefaults returns c with every unset field that has a default set.
func (c Config) WithDefaults() Config {
	c.Flavor = strings.ToLower(strings.TrimSpace(c.Flavor))
	if c.Flavor == "" {
		c.Flavor = FlavorOpenAI
	}
	if c.BaseURL == "" {
		c.BaseURL = defaultBaseURLs[c.Flavor]
	}
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	if c.Flavor == FlavorAzure && c.AzureAPIVersion == "" {
		c.AzureAPIVersion = DefaultAzureAPIVersion
	}
	if c.JSONMode == "" {
		c.JSONMode = JSONSchema
	}
	if c.Timeout == 0 {
		c.Timeout = 2 * time.Minute
		if c.local() {
			c.Timeout = 5 * time.Minute
		}
	}
	if c.Flavor == FlavorOpenRouter && c.AppName == "" {
		c.AppName = "IGNY8 Sites"
	}
	return c
}

func (c Config) local() bool {
	return c.Flavor == FlavorOllama || c.Flavor == FlavorVLLM || c.Flavor == FlavorLMStudio
}

// Validate reports what is wrong with c (after WithDefaults), naming the
// Config fields.
func (c Config) Validate() error { return c.check(fieldNames) }

// names say what to call each setting in messages: a Config field or an
// environment variable.
type names map[string]string

var fieldNames = names{
	"Flavor": "Config.Flavor", "BaseURL": "Config.BaseURL", "APIKey": "Config.APIKey", "ChatModel": "Config.ChatModel",
	"AzureAPIVersion": "Config.AzureAPIVersion", "JSONMode": "Config.JSONMode", "Timeout": "Config.Timeout", "AppURL": "Config.AppURL",
}

// check returns every problem of c at once, so an operator fixes them in
// one go.
func (c Config) check(n names) error {
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	if !slices.Contains(Flavors, c.Flavor) {
		add("%s is %q; use one of %s", n["Flavor"], c.Flavor, strings.Join(Flavors, ", "))
	}
	switch u, err := url.Parse(c.BaseURL); {
	case c.BaseURL == "" && c.Flavor == FlavorAzure:
		add("%s is not set: Azure needs the resource endpoint, like https://NAME.openai.azure.com", n["BaseURL"])
	case c.BaseURL == "":
		if slices.Contains(Flavors, c.Flavor) {
			add("%s is not set", n["BaseURL"])
		}
	case err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https"):
		add("%s %q is not an http or https URL; write it like %s", n["BaseURL"], c.BaseURL, orExample(defaultBaseURLs[c.Flavor], "https://NAME.openai.azure.com"))
	case c.Flavor == FlavorAzure && strings.Contains(u.Path, "/openai"):
		add("%s %q includes a path; give the resource endpoint only, like %s://%s (the deployment comes from the model setting)", n["BaseURL"], c.BaseURL, u.Scheme, u.Host)
	case c.Flavor == FlavorAzure && u.Scheme != "https" && !loopback(u.Hostname()):
		add("%s %q must use https: Azure sends the API key only over TLS", n["BaseURL"], c.BaseURL)
	}
	if c.APIKey == "" && (c.Flavor == FlavorOpenAI || c.Flavor == FlavorAzure || c.Flavor == FlavorOpenRouter) {
		add("%s is not set: the %s API needs a key", n["APIKey"], c.Flavor)
	}
	if strings.TrimSpace(c.ChatModel) == "" {
		hint := "the chat model, like gpt-4.1-mini"
		switch c.Flavor {
		case FlavorAzure:
			hint = "the name of the chat model's deployment"
		case FlavorOpenRouter:
			hint = "the model as vendor/model, like openai/gpt-4.1-mini"
		case FlavorOllama:
			hint = "a model pulled into Ollama, like llama3.1"
		}
		add("%s is not set: set it to %s", n["ChatModel"], hint)
	}
	switch {
	case c.JSONMode != JSONSchema && c.JSONMode != JSONObject:
		add("%s is %q; use %s (the provider enforces the schema) or %s (for models without JSON Schema support)", n["JSONMode"], c.JSONMode, JSONSchema, JSONObject)
	case c.JSONMode == JSONObject && c.Flavor == FlavorLMStudio:
		add("%s is %s, but LM Studio supports only JSON Schema outputs; use %s", n["JSONMode"], JSONObject, JSONSchema)
	}
	if c.Timeout < 0 {
		add("%s is negative", n["Timeout"])
	}
	if c.AppURL != "" {
		if u, err := url.Parse(c.AppURL); err != nil || u.Host == "" {
			add("%s %q is not a URL", n["AppURL"], c.AppURL)
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("AI provider configuration: %s", strings.Join(problems, "; "))
	}
	return nil
}

func orExample(s, def string) string {
	if s != "" {
		return s
	}
	return def
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// The environment variables FromEnv reads. The lead copies this table
// into the operator docs.
//
//	Variable                     Meaning                                           Default
//	IGNY8_AI_FLAVOR              openai, azure, openrouter, ollama, vllm, lmstudio  openai
//	IGNY8_AI_BASE_URL            API address up to /v1; Azure: the resource         the flavor's usual address
//	                             endpoint https://NAME.openai.azure.com             (required for azure)
//	IGNY8_AI_API_KEY             the API key                                       required for openai, azure,
//	                                                                               openrouter; unused locally
//	IGNY8_AI_MODEL               chat model (Azure: deployment name;               required
//	                             OpenRouter: vendor/model)
//	IGNY8_AI_EMBEDDING_MODEL     embedding model; unset: no embeddings             unset
//	                             (clustering falls back to lexical)
//	IGNY8_AI_IMAGE_MODEL         image model, like gpt-image-1 or dall-e-3;        unset
//	                             unset: no image generation
//	IGNY8_AI_AZURE_API_VERSION   Azure api-version query                           2024-10-21
//	IGNY8_AI_TIMEOUT             per request, a duration (90s, 2m) or seconds      2m; 5m for ollama, vllm, lmstudio
//	IGNY8_AI_JSON_MODE           schema: response_format json_schema, strict;      schema
//	                             object: json_object with the schema in the prompt
//	                             (models without JSON Schema support)
//	IGNY8_AI_APP_URL             OpenRouter attribution (HTTP-Referer)             unset
//	IGNY8_AI_APP_NAME            OpenRouter attribution (X-Title)                  IGNY8 Sites
const (
	EnvFlavor          = "IGNY8_AI_FLAVOR"
	EnvBaseURL         = "IGNY8_AI_BASE_URL"
	EnvAPIKey          = "IGNY8_AI_API_KEY"
	EnvModel           = "IGNY8_AI_MODEL"
	EnvEmbeddingModel  = "IGNY8_AI_EMBEDDING_MODEL"
	EnvImageModel      = "IGNY8_AI_IMAGE_MODEL"
	EnvAzureAPIVersion = "IGNY8_AI_AZURE_API_VERSION"
	EnvTimeout         = "IGNY8_AI_TIMEOUT"
	EnvJSONMode        = "IGNY8_AI_JSON_MODE"
	EnvAppURL          = "IGNY8_AI_APP_URL"
	EnvAppName         = "IGNY8_AI_APP_NAME"
)

var envNames = names{
	"Flavor": EnvFlavor, "BaseURL": EnvBaseURL, "APIKey": EnvAPIKey, "ChatModel": EnvModel,
	"AzureAPIVersion": EnvAzureAPIVersion, "JSONMode": EnvJSONMode, "Timeout": EnvTimeout, "AppURL": EnvAppURL,
}

// Configured reports whether any of the provider's environment variables
// is set: when none is, the operator has not chosen a provider (and the
// offline provider is the natural choice).
func Configured(getenv func(string) string) bool {
	for _, v := range []string{EnvFlavor, EnvBaseURL, EnvAPIKey, EnvModel, EnvEmbeddingModel, EnvImageModel} {
		if strings.TrimSpace(getenv(v)) != "" {
			return true
		}
	}
	return false
}

// FromEnv reads the provider's configuration from the environment
// variables in the table above, with defaults set, or says in terms of
// those variables what is wrong.
func FromEnv(getenv func(string) string) (Config, error) {
	get := func(k string) string { return strings.TrimSpace(getenv(k)) }
	c := Config{
		Flavor:          get(EnvFlavor),
		BaseURL:         get(EnvBaseURL),
		APIKey:          get(EnvAPIKey),
		ChatModel:       get(EnvModel),
		EmbeddingModel:  get(EnvEmbeddingModel),
		ImageModel:      get(EnvImageModel),
		AzureAPIVersion: get(EnvAzureAPIVersion),
		JSONMode:        strings.ToLower(get(EnvJSONMode)),
		AppURL:          get(EnvAppURL),
		AppName:         get(EnvAppName),
	}
	var timeoutErr error
	if s := get(EnvTimeout); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil {
			n, nerr := strconv.Atoi(s)
			d, err = time.Duration(n)*time.Second, nerr
		}
		if err != nil || d <= 0 {
			timeoutErr = fmt.Errorf("%s=%q is not a duration: write it like 90s or 2m, or as seconds", EnvTimeout, s)
		} else {
			c.Timeout = d
		}
	}
	c = c.WithDefaults()
	err := c.check(envNames)
	switch {
	case timeoutErr != nil && err != nil:
		return c, fmt.Errorf("%w; %w", err, timeoutErr)
	case timeoutErr != nil:
		return c, fmt.Errorf("AI provider configuration: %w", timeoutErr)
	}
	return c, err
}
