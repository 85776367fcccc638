package openai

import (
	"strings"
	"testing"
	"time"
)

func env(kv map[string]string) func(string) string {
	return func(k string) string { return kv[k] }
}

func TestFromEnv(t *testing.T) {
	c, err := FromEnv(env(map[string]string{
		EnvAPIKey: " sk-live ", EnvModel: "gpt-4.1-mini", EnvEmbeddingModel: "text-embedding-3-small", EnvImageModel: "gpt-image-1",
		EnvTimeout: "90",
	}))
	if err != nil {
		t.Fatal(err)
	}
	want := Config{Flavor: FlavorOpenAI, BaseURL: "https://api.openai.com/v1", APIKey: "sk-live", ChatModel: "gpt-4.1-mini",
		EmbeddingModel: "text-embedding-3-small", ImageModel: "gpt-image-1", JSONMode: JSONSchema, Timeout: 90 * time.Second}
	if c != want {
		t.Errorf("FromEnv = %+v\nwant     %+v", c, want)
	}

	c, err = FromEnv(env(map[string]string{EnvFlavor: "Azure", EnvBaseURL: "https://acme.openai.azure.com/", EnvAPIKey: "k", EnvModel: "writer", EnvTimeout: "2m"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Flavor != FlavorAzure || c.BaseURL != "https://acme.openai.azure.com" || c.AzureAPIVersion != DefaultAzureAPIVersion || c.Timeout != 2*time.Minute {
		t.Errorf("azure: %+v", c)
	}

	c, err = FromEnv(env(map[string]string{EnvFlavor: "ollama", EnvModel: "llama3.1", EnvJSONMode: "OBJECT"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.BaseURL != "http://localhost:11434/v1" || c.APIKey != "" || c.JSONMode != JSONObject || c.Timeout != 5*time.Minute {
		t.Errorf("ollama: %+v", c)
	}

	c, err = FromEnv(env(map[string]string{EnvFlavor: "openrouter", EnvAPIKey: "k", EnvModel: "openai/gpt-4.1-mini", EnvAppURL: "https://sites.example", EnvAppName: "Acme"}))
	if err != nil || c.BaseURL != "https://openrouter.ai/api/v1" || c.AppURL != "https://sites.example" || c.AppName != "Acme" {
		t.Errorf("openrouter: %+v, %v", c, err)
	}
}

// Every problem is reported at once, naming the variable and what to do.
func TestFromEnvErrors(t *testing.T) {
	for _, tt := range []struct {
		env  map[string]string
		want []string
	}{
		{map[string]string{}, []string{EnvAPIKey + " is not set", EnvModel + " is not set", "gpt-4.1-mini"}},
		{map[string]string{EnvFlavor: "gemini", EnvModel: "m"}, []string{EnvFlavor + ` is "gemini"`, "openai, azure, openrouter, ollama, vllm, lmstudio"}},
		{map[string]string{EnvFlavor: "azure", EnvModel: "m", EnvAPIKey: "k"}, []string{EnvBaseURL + " is not set", "https://NAME.openai.azure.com"}},
		{map[string]string{EnvFlavor: "azure", EnvModel: "m", EnvAPIKey: "k", EnvBaseURL: "https://acme.openai.azure.com/openai/deployments/m"}, []string{"includes a path", "https://acme.openai.azure.com"}},
		{map[string]string{EnvFlavor: "azure", EnvModel: "m", EnvAPIKey: "k", EnvBaseURL: "http://acme.example"}, []string{"must use https"}},
		{map[string]string{EnvFlavor: "azure", EnvAPIKey: "k", EnvBaseURL: "https://a.openai.azure.com"}, []string{EnvModel, "deployment"}},
		{map[string]string{EnvFlavor: "openrouter", EnvAPIKey: "k"}, []string{EnvModel, "vendor/model"}},
		{map[string]string{EnvModel: "m", EnvAPIKey: "k", EnvBaseURL: "api.openai.com"}, []string{EnvBaseURL + ` "api.openai.com" is not an http or https URL`}},
		{map[string]string{EnvModel: "m", EnvAPIKey: "k", EnvTimeout: "soon"}, []string{EnvTimeout + `="soon" is not a duration`, "90s"}},
		{map[string]string{EnvModel: "m", EnvAPIKey: "k", EnvTimeout: "-5s"}, []string{EnvTimeout}},
		{map[string]string{EnvModel: "m", EnvAPIKey: "k", EnvJSONMode: "xml"}, []string{EnvJSONMode + ` is "xml"`, "schema", "object"}},
		{map[string]string{EnvFlavor: "lmstudio", EnvModel: "m", EnvJSONMode: "object"}, []string{"LM Studio supports only JSON Schema"}},
		{map[string]string{EnvModel: "m", EnvAPIKey: "k", EnvAppURL: "::"}, []string{EnvAppURL}},
	} {
		_, err := FromEnv(env(tt.env))
		if err == nil {
			t.Errorf("FromEnv(%v) = nil, want an error", tt.env)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("FromEnv(%v): %q does not say %q", tt.env, err, w)
			}
		}
	}
}

func TestConfigValidate(t *testing.T) {
	if _, err := New(Config{APIKey: "k"}); err == nil || !strings.Contains(err.Error(), "Config.ChatModel is not set") {
		t.Errorf("New without a model: %v, want it to name Config.ChatModel", err)
	}
	for _, c := range []Config{
		{Flavor: FlavorVLLM, ChatModel: "m"},
		{Flavor: FlavorLMStudio, ChatModel: "m"},
		{Flavor: FlavorAzure, BaseURL: "http://127.0.0.1:8080", APIKey: "k", ChatModel: "m"},
		{Flavor: FlavorAzure, BaseURL: "http://localhost:8080", APIKey: "k", ChatModel: "m"},
	} {
		if _, err := New(c); err != nil {
			t.Errorf("New(%+v) = %v", c, err)
		}
	}
}

func TestConfigured(t *testing.T) {
	if Configured(env(map[string]string{"IGNY8_OTHER": "x", EnvTimeout: "1m"})) {
		t.Error("Configured with none of the provider variables")
	}
	if !Configured(env(map[string]string{EnvModel: "m"})) {
		t.Error("not Configured with a model set")
	}
}

func TestName(t *testing.T) {
	for _, f := range Flavors {
		p, err := New(Config{Flavor: f, BaseURL: "https://ai.example/v1", APIKey: "k", ChatModel: "m"})
		if err != nil {
			t.Fatal(err)
		}
		if p.Name() != f || p.Config().Flavor != f {
			t.Errorf("Name() = %q, want %q", p.Name(), f)
		}
	}
}
